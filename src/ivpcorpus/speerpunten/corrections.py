"""A person's decisions on the finder's output, validated from a filled-in sheet and applied
on every run: an item marked "geen speerpunt" goes, a missed item (or a review candidate) is
added. Pure: tables in, tables out; `ivpcorpus.review` reads and writes the sheets and the
correction history."""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd

from ivpcorpus import catalog
from ivpcorpus.catalog import LEVELS
from ivpcorpus.errors import ReviewError
from ivpcorpus.speerpunten import item_id
from ivpcorpus.speerpunten.cues import OVERIG, PRIORITEIT

SPEERPUNT_CORRECTION_COLUMNS = catalog.columns("speerpunt_corrections")
# the review sheet's words for a decision -> the action stored (catalog.SPEERPUNT_ACTIONS)
DECISIONS = {"geen speerpunt": "verwijderen", "speerpunt": "toevoegen"}
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
    return catalog.validate("speerpunten", corrected), findings


def parse_speerpunt_corrections(sheet: pd.DataFrame, documents: pd.DataFrame, known_items: set[str], reviewer: str,
                                now: datetime | None = None, source_file: str = "") -> pd.DataFrame:
    """Validated decisions from a filled-in speerpunten sheet; every bad row is reported at once.

    'geen speerpunt' removes the row's item (it must be a found item or a candidate); 'speerpunt'
    adds the row's text (or correctie_tekst, for a missed item) at its level and page."""
    stamp = (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    doc_ids = set(documents["doc_id"])
    problems, rows = [], []
    for i, row in sheet.reset_index(drop=True).iterrows():
        decision = str(row["beslissing"]).strip().lower()
        if not decision:
            continue
        where = f"rij {i + 2} ({row['doc_id']})"
        if decision not in DECISIONS:
            problems.append(f"{where}: beslissing '{decision}' is geen van {sorted(DECISIONS)}")
            continue
        if row["doc_id"] not in doc_ids:
            problems.append(f"{where}: onbekend document")
            continue
        level = str(row.get("correctie_niveau", "")).strip() or str(row.get("level", "")).strip() or "prioriteit"
        text = " ".join(str(row.get("correctie_tekst", "")).split()) or " ".join(str(row.get("text", "")).split())
        page = str(row.get("correctie_pagina", "")).strip() or str(row.get("page", "")).strip() or "0"
        if level not in LEVELS:
            problems.append(f"{where}: niveau '{level}' is geen prioriteit of overig_thema")
            continue
        if not page.removesuffix(".0").isdigit():
            problems.append(f"{where}: pagina '{page}' is geen getal")
            continue
        action = DECISIONS[decision]
        if action == "verwijderen" and row["item_id"] not in known_items:
            problems.append(f"{where}: item '{row['item_id']}' staat niet in de opslag")
            continue
        if action == "toevoegen" and not text:
            problems.append(f"{where}: 'speerpunt' zonder tekst; vul correctie_tekst in")
            continue
        key = row["item_id"] if action == "verwijderen" else item_id(row["doc_id"], level, text)
        rows.append({"doc_id": row["doc_id"], "action": action, "item_id": key, "level": level, "text": text,
                     "page": page.removesuffix(".0"), "reviewer": reviewer, "reviewed_at": stamp,
                     "note": row.get("opmerking", ""), "source_file": source_file})
    if problems:
        raise ReviewError("speerpunten niet geïmporteerd, niets opgeslagen:\n  " + "\n  ".join(problems))
    return pd.DataFrame(rows, columns=SPEERPUNT_CORRECTION_COLUMNS)


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
    corrected, _ = apply_speerpunt_corrections(items, catalog.empty("speerpunt_findings"), documents, history)
    rows = []
    for doc in documents[documents["doc_id"].isin(reviewed)].itertuples():
        stated = corrected[corrected["doc_id"] == doc.doc_id]
        rows += [{"doc_id": doc.doc_id, "source_file": doc.source_file, "level": level, "text": text}
                 for level, text in zip(stated["level"], stated["text"])] or \
            [{"doc_id": doc.doc_id, "source_file": doc.source_file, "level": None, "text": None}]
    return pd.DataFrame(rows, columns=columns)
