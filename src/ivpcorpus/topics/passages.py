"""Passages: the units the topic model embeds, built from the `blocks` of the plans.

A passage is a run of consecutive prose blocks (paragraphs and list items) of one section of
one document, packed to roughly 60-200 words: long enough for an embedding to say what it is
about, short enough to be about one thing. Headings end a section (and are not text
themselves); table rows, tables of contents and lists of figures are left out, because they
would form topics of their own ("pagina's", "tabel") that say nothing about policy.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import pandas as pd

from ivpcorpus.catalog import Schema, validate

PROSE_KINDS = ("paragraph", "list_item")

PASSAGES_SCHEMA: Schema = {
    "passage_id": "str", "doc_id": "str", "page": "int", "first_block": "int", "last_block": "int",
    "text": "str", "n_words": "int", "passage_hash": "str",
}

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘(]?[A-Z0-9À-Ý])")
_WORD = re.compile(r"[^\W\d_]{2,}")
_LEADER = re.compile(r"\.{4,}|…{2,}|(?:\. ){3,}")


@dataclass(frozen=True)
class PassageSettings:
    min_words: int = 12     # shorter fragments say too little to be placed
    target_words: int = 60  # keep adding blocks of the section until a passage has this many
    max_words: int = 200    # never grow a passage beyond this; long blocks are split by sentence


def is_prose(text: str) -> bool:
    """True for running text; False for TOC lines, figure lists and number-heavy table debris."""
    if _LEADER.search(text):
        return False
    tokens = text.split()
    return bool(tokens) and len(_WORD.findall(text)) >= 0.6 * len(tokens)


def passage_hash(text: str) -> str:
    """Content key of a passage: the embedding cache is keyed by it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _sentence_windows(text: str, max_words: int) -> list[str]:
    """Split a block that is longer than a passage into windows of whole sentences."""
    windows: list[list[str]] = [[]]
    for sentence in _SENTENCE_END.split(text):
        if windows[-1] and sum(len(s.split()) for s in windows[-1]) + len(sentence.split()) > max_words:
            windows.append([])
        windows[-1].append(sentence)
    return [" ".join(w) for w in windows if w]


def _sections(blocks: pd.DataFrame) -> list[list[dict]]:
    """Runs of prose blocks of one document, cut at headings and at anything that is not prose."""
    sections: list[list[dict]] = [[]]
    for block in blocks.sort_values(["doc_id", "block_id"]).to_dict("records"):
        text = str(block["text"] or "").strip()
        starts_new = (block["kind"] not in PROSE_KINDS or not is_prose(text)
                      or (sections[-1] and sections[-1][-1]["doc_id"] != block["doc_id"]))
        if starts_new and sections[-1]:
            sections.append([])
        if block["kind"] in PROSE_KINDS and is_prose(text):
            sections[-1].append({**block, "text": text})
    return [s for s in sections if s]


def build_passages(blocks: pd.DataFrame, settings: PassageSettings = PassageSettings()) -> pd.DataFrame:
    """`blocks` -> passages (PASSAGES_SCHEMA), in document and reading order.

    The page of a passage is the page of its first block, so a reader finds where it starts.
    """
    rows: list[dict] = []
    for section in _sections(blocks):
        pieces = [(b, piece) for b in section for piece in _sentence_windows(b["text"], settings.max_words)]
        current: list[tuple[dict, str]] = []
        packed: list[list[tuple[dict, str]]] = []
        for block, piece in pieces:
            words = sum(len(p.split()) for _, p in current)
            if current and (words >= settings.target_words or words + len(piece.split()) > settings.max_words):
                packed.append(current)
                current = []
            current.append((block, piece))
        if current:
            # A short tail of a section belongs with what precedes it rather than alone.
            tail_words = sum(len(p.split()) for _, p in current)
            if packed and tail_words < settings.min_words:
                packed[-1].extend(current)
            else:
                packed.append(current)
        for part in packed:
            text = " ".join(p for _, p in part)
            n_words = len(text.split())
            if n_words < settings.min_words:
                continue
            first, last = part[0][0], part[-1][0]
            # A long block yields several passages: number them within their first block.
            starts = (first["doc_id"], first["block_id"])
            same_start = sum(1 for r in rows[-len(packed):] if (r["doc_id"], r["first_block"]) == starts)
            rows.append({
                "passage_id": f"{first['doc_id']}:{first['block_id']}.{same_start}",
                "doc_id": first["doc_id"], "page": int(first["page"]),
                "first_block": int(first["block_id"]), "last_block": int(last["block_id"]),
                "text": text, "n_words": n_words, "passage_hash": passage_hash(text),
            })
    frame = pd.DataFrame(rows, columns=list(PASSAGES_SCHEMA))
    frame = frame.astype({"page": "int64", "first_block": "int64", "last_block": "int64", "n_words": "int64"})
    return validate("passages", frame, PASSAGES_SCHEMA)
