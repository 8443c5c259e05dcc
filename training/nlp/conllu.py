"""Minimal CoNLL-U reader shared by the training scripts (no external deps)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Token:
    id: int
    form: str
    lemma: str
    upos: str
    xpos: str
    feats: str
    head: int
    deprel: str
    misc: str

    @property
    def space_after(self) -> bool:
        return "SpaceAfter=No" not in self.misc


@dataclass
class Sentence:
    sent_id: str
    text: str | None
    tokens: list[Token] = field(default_factory=list)
    source: str = ""

    @property
    def norm_key(self) -> str:
        return norm_text(" ".join(t.form for t in self.tokens))


def norm_text(text: str) -> str:
    """Normalised text for de-duplication: lower-case, no whitespace."""
    return re.sub(r"\s+", "", text).lower()


def read_conllu(path: str | Path) -> list[Sentence]:
    sents: list[Sentence] = []
    meta: dict[str, str] = {}
    toks: list[Token] = []
    bare_id = None
    src = Path(path).name

    def flush():
        nonlocal meta, toks, bare_id
        if toks:
            sid = meta.get("sent_id") or bare_id or f"{src}:{len(sents)}"
            sid = sid.removesuffix(".xml").replace("\\", "/").split("/")[-1]
            sents.append(Sentence(sid, meta.get("text"), toks, src))
        meta, toks, bare_id = {}, [], None

    with open(path, encoding="utf8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                flush()
                continue
            if line.startswith("#"):
                m = re.match(r"#\s*([\w.-]+)\s*=\s*(.*)$", line)
                if m:
                    meta[m.group(1)] = m.group(2)
                else:
                    bare_id = line[1:].strip()
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue  # multiword ranges / empty nodes
            toks.append(Token(int(cols[0]), cols[1], cols[2], cols[3], cols[4], cols[5],
                              int(cols[6]), cols[7], cols[9] if len(cols) > 9 else "_"))
    flush()
    return sents
