"""Score found speerpunten against a gold file (shared/dev/pdf/gold.json, demo ground_truth.json).

Gold: a JSON list of {doc, priorities, other_themes, expected?} (or an object holding such a
list). A found item matches a gold item of the same document and level when their folded words
largely agree (token-set similarity, one-to-one, best pairs first); a long found item does not
match a short gold phrase only because it contains it. Documents whose `expected` is not
"document" (unreadable files, non-plans) have no priorities: anything found there counts as a
false positive.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz

from ivpcorpus import catalog, extract
from ivpcorpus.manifest import doc_id_of, sha256_of
from ivpcorpus.speerpunten import OVERIG, PRIORITEIT, normalized_item

MATCH_SIMILARITY = 80
# A found item may be at most this many times as long (in words) as the gold phrase it matches.
MAX_LENGTH_RATIO = 2.5


def load_gold(path: Path) -> pd.DataFrame:
    """Gold items as rows (doc, level, text); a document without items gets one row with text None."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(raw, dict):
        raw = next((v for v in raw.values() if isinstance(v, list)), [])
    rows = []
    for entry in raw:
        doc = Path(entry["doc"]).name
        is_plan = entry.get("expected", "document") == "document"
        items = [(PRIORITEIT, t) for t in entry.get("priorities") or []] + \
                [(OVERIG, t) for t in entry.get("other_themes") or []]
        rows += [{"doc": doc, "level": level, "text": text} for level, text in items if is_plan]
        if not is_plan or not items:
            rows.append({"doc": doc, "level": None, "text": None})
    return pd.DataFrame(rows, columns=["doc", "level", "text"])


def extract_gold_documents(gold: pd.DataFrame, folder: Path, workers: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(documents, blocks) of the gold's documents that exist in `folder`, read by `ivpcorpus.extract`."""
    paths = [folder / doc for doc in gold["doc"].drop_duplicates() if (folder / doc).is_file()]
    jobs = [(doc_id_of(sha256_of(path)), path) for path in paths]
    documents, blocks = [], []
    for result in extract.extract_many(jobs, workers=workers):
        documents.append({"doc_id": result.doc_id, "source_file": result.source_file, "path": result.source_file,
                          "sha256": "", "format": Path(result.source_file).suffix.lstrip("."), "pages": result.n_pages,
                          "title": result.title or "", "municipalities": "", "period": "", "status": result.status,
                          "reason": result.reason, "ocr_pages": result.ocr_pages})
        blocks.append(result.blocks)
    documents_table = pd.DataFrame(documents, columns=list(catalog.TABLES["documents"].columns)) if documents \
        else catalog.empty("documents")
    blocks_table = pd.concat([b for b in blocks if len(b)], ignore_index=True) if any(len(b) for b in blocks) \
        else catalog.empty("blocks")
    return documents_table.astype({"pages": "int64"}), blocks_table


def similarity(found: str, gold: str) -> float:
    a, b = normalized_item(found), normalized_item(gold)
    if not a or not b or len(a.split()) > MAX_LENGTH_RATIO * len(b.split()) + 1:
        return 0.0
    return fuzz.token_set_ratio(a, b)


def count_matches(found: list[str], gold: list[str]) -> int:
    """One-to-one matches between found and gold phrases, best pairs first."""
    pairs = sorted(((similarity(f, g), i, j) for i, f in enumerate(found) for j, g in enumerate(gold)), reverse=True)
    used_found, used_gold, matches = set(), set(), 0
    for score, i, j in pairs:
        if score < MATCH_SIMILARITY:
            break
        if i not in used_found and j not in used_gold:
            used_found.add(i)
            used_gold.add(j)
            matches += 1
    return matches


@dataclass
class Scores:
    per_document: pd.DataFrame   # doc, level, n_found, n_gold, n_matched, precision, recall, f1
    overall: pd.DataFrame        # level, n_found, n_gold, n_matched, precision, recall, f1 (micro over items)


def _prf(found: int, gold: int, matched: int) -> tuple[float, float, float]:
    precision = matched / found if found else (1.0 if not gold else 0.0)
    recall = matched / gold if gold else (1.0 if not found else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score(items: pd.DataFrame, gold: pd.DataFrame) -> Scores:
    """Compare found items (catalog "speerpunten", matched to gold by source_file) with gold."""
    rows = []
    for doc in gold["doc"].drop_duplicates():
        for level in (PRIORITEIT, OVERIG):
            found = items.loc[(items["source_file"] == doc) & (items["level"] == level), "text"].tolist()
            expected = gold.loc[(gold["doc"] == doc) & (gold["level"] == level), "text"].tolist()
            matched = count_matches(found, expected)
            rows.append({"doc": doc, "level": level, "n_found": len(found), "n_gold": len(expected),
                         "n_matched": matched, **dict(zip(("precision", "recall", "f1"), _prf(len(found), len(expected), matched)))})
    per_document = pd.DataFrame(rows)
    overall = []
    for level, part in per_document.groupby("level", sort=False):
        found, expected, matched = (int(part[c].sum()) for c in ("n_found", "n_gold", "n_matched"))
        overall.append({"level": level, "n_found": found, "n_gold": expected, "n_matched": matched,
                        **dict(zip(("precision", "recall", "f1"), _prf(found, expected, matched)))})
    return Scores(per_document, pd.DataFrame(overall))


def report(scores: Scores) -> str:
    """The scores in plain text: micro P/R/F1 per level, then the documents that are not perfect."""
    lines = ["niveau         gevonden  gold  juist  precisie  recall    F1"]
    for row in scores.overall.itertuples():
        lines.append(f"{row.level:<14} {row.n_found:>8} {row.n_gold:>5} {row.n_matched:>6} "
                     f"{row.precision:>9.2f} {row.recall:>7.2f} {row.f1:>6.2f}")
    imperfect = scores.per_document[scores.per_document["f1"] < 1.0]
    if len(imperfect):
        lines.append("")
        lines.append("documenten met verschillen (niveau: gevonden/gold/juist):")
        for row in imperfect.itertuples():
            lines.append(f"  {row.doc}: {row.level} {row.n_found}/{row.n_gold}/{row.n_matched}")
    return "\n".join(lines)


# -- the real development material, by split ---------------------------------------------------
DEV_SOURCES = ("pdf", "texts", "secondary", "texts-pdf", "secondary-pdf")


def _excerpt_html(text: str) -> str:
    """An excerpt as a gemeenteblad page would carry it: one paragraph per line, no title."""
    import html

    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    return f"<html><head><title>Gemeenteblad</title></head><body>{body}</body></html>"


def dev_gold(dev_dir: Path, work_dir: Path, rendered: bool = True) -> pd.DataFrame:
    """Gold rows (doc, level, text, plan, source, split) for `dev_dir` (../shared/dev): the PDFs as
    they are; every excerpt of `texts/` and `secondary/` written into `work_dir` as HTML under a
    neutral file name (as a user's download from a gemeenteblad would be); and, with `rendered`,
    every excerpt rendered into a PDF between filler chapters (`demo.excerpts`, sources
    "texts-pdf" and "secondary-pdf"), the form in which most real plans arrive."""
    dev_dir, work_dir = Path(dev_dir), Path(work_dir)
    split = json.loads((dev_dir / "split.json").read_text(encoding="utf-8"))
    split_of = {plan: name for name in ("tune", "check") for plan in split[name]}
    entries = []
    for entry in json.loads((dev_dir / "pdf" / "gold.json").read_text(encoding="utf-8")):
        (work_dir / entry["doc"]).write_bytes((dev_dir / "pdf" / entry["doc"]).read_bytes())
        entries.append({**entry, "source": "pdf"})
    for source in ("texts", "secondary"):
        for n, path in enumerate(sorted((dev_dir / source).glob("*.json"))):
            plan = json.loads(path.read_text(encoding="utf-8"))
            name = f"{source}_{n:03d}.html"
            (work_dir / name).write_text(_excerpt_html(plan["text"]), encoding="utf-8")
            entries.append({"doc": name, "plan": path.stem, "source": source, "priorities": plan["stated_priorities"],
                            "other_themes": plan["other_themes"]})
    if rendered:
        from ivpcorpus.demo.excerpts import render_excerpt_pdfs  # WeasyPrint and reportlab: only when asked

        entries += render_excerpt_pdfs(dev_dir, work_dir)
    (work_dir / "gold.json").write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    gold = load_gold(work_dir / "gold.json")
    meta = pd.DataFrame(entries)[["doc", "plan", "source"]]
    gold = gold.merge(meta, on="doc", how="left")
    gold["split"] = gold["plan"].map(split_of).fillna("tune")
    return gold


def score_by_split(items: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Micro P/R/F1 per (split, source, level) and per (split, all sources, level)."""
    rows = []
    for split_name in ("tune", "check"):
        in_split = gold[gold["split"] == split_name]
        for source in (*DEV_SOURCES, "alle"):
            part = in_split if source == "alle" else in_split[in_split["source"] == source]
            if not len(part):
                continue
            overall = score(items, part[["doc", "level", "text"]]).overall
            for row in overall.to_dict("records"):
                rows.append({"split": split_name, "source": source, "plans": part["doc"].nunique(), **row})
    return pd.DataFrame(rows)


def report_by_split(table: pd.DataFrame) -> str:
    lines = ["split  bron       plannen niveau         gevonden  gold  juist  precisie  recall    F1"]
    for row in table.itertuples():
        lines.append(f"{row.split:<6} {row.source:<10} {row.plans:>7} {row.level:<14} {row.n_found:>8} {row.n_gold:>5} "
                     f"{row.n_matched:>6} {row.precision:>9.2f} {row.recall:>7.2f} {row.f1:>6.2f}")
    return "\n".join(lines)


def without_priorities(items: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Per (split, source): the documents whose gold has no priorities (the excerpts that end
    before them) and how many of them get priorities anyway; a finder must give them none."""
    has = set(gold.loc[gold["level"] == PRIORITEIT, "doc"])
    found = set(items.loc[items["level"] == PRIORITEIT, "source_file"])
    rows = []
    for (split_name, source), part in gold.groupby(["split", "source"], sort=False):
        empty = sorted(set(part["doc"]) - has)
        if empty:
            rows.append({"split": split_name, "source": source, "documents": len(empty),
                         "with_items": sum(doc in found for doc in empty),
                         "docs": [doc for doc in empty if doc in found]})
    return pd.DataFrame(rows, columns=["split", "source", "documents", "with_items", "docs"])


def report_without_priorities(table: pd.DataFrame) -> str:
    lines = ["documenten zonder prioriteiten die er toch krijgen:"]
    for row in table.itertuples():
        shown = f" ({', '.join(row.docs)})" if row.docs else ""
        lines.append(f"  {row.split:<6} {row.source:<14} {row.with_items} van {row.documents}{shown}")
    return "\n".join(lines)


# -- what the finder's errors do to the national figures ---------------------------------------
def veld_shares(items: pd.DataFrame, gold: pd.DataFrame, label, codebook) -> pd.DataFrame:
    """Per split and veld: the share of the priorities in that veld as found and as the gold
    states them, both labelled by the same `label(texts) -> thema ids`, so the difference is the
    finder's (its misses and its false items), not the classifier's."""
    rows = []
    for split_name in ("tune", "check"):
        part = gold[(gold["split"] == split_name) & (gold["level"] == PRIORITEIT)]
        if not len(part):
            continue
        docs = set(gold.loc[gold["split"] == split_name, "doc"])
        found = items[(items["level"] == PRIORITEIT) & items["source_file"].isin(docs)]
        shares = {}
        for side, texts in (("found", found["text"].tolist()), ("gold", part["text"].tolist())):
            velden = pd.Series([codebook.veld_of(t) for t in label(texts)], dtype=object)
            shares[side] = velden.value_counts(normalize=True) if len(velden) else pd.Series(dtype=float)
        for veld in codebook.velden:
            found_share, gold_share = (float(shares[s].get(veld.id, 0.0)) for s in ("found", "gold"))
            rows.append({"split": split_name, "veld": veld.id, "found": found_share, "gold": gold_share,
                         "difference_pp": 100 * (found_share - gold_share)})
    return pd.DataFrame(rows, columns=["split", "veld", "found", "gold", "difference_pp"])


def report_veld_shares(table: pd.DataFrame) -> str:
    lines = ["aandeel prioriteiten per veld, gevonden tegen gold (zelfde classifier; verschil in procentpunten):"]
    for split_name, part in table.groupby("split", sort=False):
        worst = part.loc[part["difference_pp"].abs().idxmax()]
        lines.append(f"  {split_name}: grootste verschil {worst['difference_pp']:+.1f} pp ({worst['veld']})")
        for row in part.itertuples():
            lines.append(f"    {row.veld:<32} {100 * row.found:5.1f}% {100 * row.gold:5.1f}% {row.difference_pp:+5.1f}")
    return "\n".join(lines)
