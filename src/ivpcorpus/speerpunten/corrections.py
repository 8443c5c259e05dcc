"""A person's decisions on the finder's output, applied on every run: an item marked "geen
speerpunt" goes, a missed item (or a review candidate) is added. Pure: tables in, tables out;
`ivpcorpus.review` reads and writes the sheets and the correction history."""

from __future__ import annotations

import pandas as pd

from ivpcorpus import schemas
from ivpcorpus.speerpunten.cues import OVERIG, PRIORITEIT

SPEERPUNT_CORRECTION_COLUMNS = ["doc_id", "action", "item_id", "level", "text", "page", "reviewer", "reviewed_at",
                                "note", "source_file"]
ACTIONS = ("verwijderen", "toevoegen")
REVIEWED = "beoordeeld"


def latest_speerpunt_corrections(history: pd.DataFrame) -> pd.DataFrame:
    """One decision per item (the latest; ties: the row written last)."""
    history = history.fillna("").reset_index(drop=True)
    order = history.assign(_row=range(len(history))).sort_values(["reviewed_at", "_row"], kind="stable")
    return order.drop_duplicates("item_id", keep="last").drop(columns="_row").reset_index(drop=True)


def apply_speerpunt_corrections(items: pd.DataFrame, findings: pd.DataFrame, documents: pd.DataFrame,
                                history: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(items, findings) with the reviewed decisions applied; a corrected plan's status is
    "beoordeeld" and its counts are recounted. Decisions for documents no longer in the corpus
    are kept in the history and ignored here."""
    if history is None or not len(history):
        return items, findings
    latest = latest_speerpunt_corrections(history)
    latest = latest[latest["doc_id"].isin(documents["doc_id"])]
    removed = set(latest.loc[latest["action"] == "verwijderen", "item_id"])
    added = latest[(latest["action"] == "toevoegen") & ~latest["item_id"].isin(items["item_id"])]
    by_doc = documents.set_index("doc_id")
    rows = [{"item_id": row.item_id, "doc_id": row.doc_id, "source_file": by_doc.loc[row.doc_id, "source_file"],
             "municipalities": by_doc.loc[row.doc_id, "municipalities"], "period": by_doc.loc[row.doc_id, "period"],
             "level": row.level if row.level in (PRIORITEIT, OVERIG) else PRIORITEIT, "text": row.text, "context": "",
             "page": int(row.page or 0), "evidence": f"toegevoegd bij beoordeling door {row.reviewer} ({row.reviewed_at[:10]})",
             "confidence": 1.0} for row in added.itertuples()]
    kept = items[~items["item_id"].isin(removed)]
    # a reviewed item is certain: the person decided it
    kept = kept.assign(confidence=kept["confidence"].where(~kept["item_id"].isin(latest["item_id"]), 1.0))
    corrected = pd.concat([kept, pd.DataFrame(rows, columns=kept.columns)], ignore_index=True) if rows else kept
    corrected = corrected.astype({"page": "int64", "confidence": "float64"})
    order = {doc: n for n, doc in enumerate(documents["doc_id"])}
    corrected = corrected.sort_values(["doc_id", "page"], key=lambda c: c.map(order) if c.name == "doc_id" else c,
                                      kind="stable").reset_index(drop=True)
    findings = findings.copy()
    touched = set(latest["doc_id"])
    counts = corrected.groupby(["doc_id", "level"]).size()
    for i, row in findings.iterrows():
        if row["doc_id"] in touched:
            findings.loc[i, "n_prioriteit"] = int(counts.get((row["doc_id"], PRIORITEIT), 0))
            findings.loc[i, "n_overig_thema"] = int(counts.get((row["doc_id"], OVERIG), 0))
            findings.loc[i, "status"] = REVIEWED
            findings.loc[i, "finding"] = f"{row['finding']}; beoordeeld door een persoon"
    return schemas.validate("speerpunten", corrected), findings


def reviewed_gold(items: pd.DataFrame, documents: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """The plans a person decided on, as gold for training the list scorer: rows (doc_id,
    source_file, level, text). After the decisions a plan states its remaining items: a found item
    the person left stands, one marked "geen speerpunt" does not, an added one does. A reviewed
    plan left without items states none (one row with level and text None), so that its
    candidate lists are learned as negatives. Plans nobody decided on are not gold."""
    columns = ["doc_id", "source_file", "level", "text"]
    if history is None or not len(history):
        return pd.DataFrame(columns=columns)
    reviewed = set(latest_speerpunt_corrections(history)["doc_id"]) & set(documents["doc_id"])
    # applying again is harmless: a stored table may already hold the decisions of earlier runs
    corrected, _ = apply_speerpunt_corrections(items, _no_findings(), documents, history)
    rows = []
    for doc in documents[documents["doc_id"].isin(reviewed)].itertuples():
        stated = corrected[corrected["doc_id"] == doc.doc_id]
        rows += [{"doc_id": doc.doc_id, "source_file": doc.source_file, "level": level, "text": text}
                 for level, text in zip(stated["level"], stated["text"])] or \
            [{"doc_id": doc.doc_id, "source_file": doc.source_file, "level": None, "text": None}]
    return pd.DataFrame(rows, columns=columns)


def _no_findings() -> pd.DataFrame:
    return pd.DataFrame(columns=["doc_id", "source_file", "status", "n_prioriteit", "n_overig_thema", "confidence",
                                 "finding"])
