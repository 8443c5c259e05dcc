"""A person's label corrections: validated from a filled-in sheet, applied over the model's
labels, and turned into training items. Pure: tables in, tables out; `ivpcorpus.review` reads
and writes the sheets and the correction history (OUT_DIR/review/corrections.csv)."""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd

from ivpcorpus.catalog import LABEL_COLUMNS, columns, validate
from ivpcorpus.codebook import Codebook
from ivpcorpus.errors import ReviewError

CORRECTION_COLUMNS = columns("corrections")


def latest_corrections(history: pd.DataFrame) -> pd.DataFrame:
    """One row per item: its latest correction (ties: the row written last)."""
    history = history.fillna("").reset_index(drop=True)
    order = history.assign(_row=range(len(history))).sort_values(["reviewed_at", "_row"], kind="stable")
    return order.drop_duplicates("item_id", keep="last").drop(columns="_row").reset_index(drop=True)


def _ids(cell: str) -> list[str]:
    return [v.strip() for v in str(cell).replace(",", "|").replace(";", "|").split("|") if v.strip()]


def parse_corrections(sheet: pd.DataFrame, codebook: Codebook, reviewer: str, now: datetime | None = None,
                      source_file: str = "") -> pd.DataFrame:
    """Validated corrections from a filled-in sheet; every bad id in every row is reported at once.

    A row counts as reviewed when correctie_thema is filled in. Row numbers in errors are those
    of the spreadsheet (header = row 1).
    """
    stamp = (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    problems, rows = [], []
    for i, row in sheet.reset_index(drop=True).iterrows():
        thema = str(row["correctie_thema"]).strip()
        filled_other = any(str(row.get(c, "")).strip() for c in ("correctie_also", "correctie_landelijke_prioriteiten"))
        if not thema:
            if filled_other:
                problems.append(f"rij {i + 2} ({row['item_id']}): correctie_also/landelijke prioriteiten ingevuld maar correctie_thema is leeg")
            continue
        also = _ids(row.get("correctie_also", ""))
        lps = _ids(row.get("correctie_landelijke_prioriteiten", ""))
        bad = [f"thema '{t}'" for t in [thema, *also] if t not in codebook.theme_ids]
        bad += [f"landelijke prioriteit '{p}'" for p in lps if p not in codebook.lp_ids]
        if bad:
            problems.append(f"rij {i + 2} ({row['item_id']}): onbekend(e) {', '.join(bad)}")
            continue
        rows.append({
            "item_id": row["item_id"], "text": row["text"], "context": row.get("context", ""), "thema": thema,
            "also": "|".join(a for a in also if a != thema), "landelijke_prioriteiten": "|".join(lps),
            "reviewer": reviewer, "reviewed_at": stamp, "note": row.get("opmerking", ""), "source_file": source_file,
        })
    if problems:
        raise ReviewError("beoordeling niet geïmporteerd, niets opgeslagen:\n  " + "\n  ".join(problems)
                          + "\ngeldige ids staan op het tabblad 'codeboek'")
    return pd.DataFrame(rows, columns=CORRECTION_COLUMNS)


def apply_corrections(labelled: pd.DataFrame, corrections: pd.DataFrame | None, codebook: Codebook) -> pd.DataFrame:
    """Reviewed labels (latest per item) replace the model's on the items they name."""
    labelled = labelled.copy()
    if "lp_confidence" not in labelled.columns:  # a store written before the priorities had their own
        labelled["lp_confidence"] = float("nan")
    if corrections is None or corrections.empty:
        return validate("speerpunten", labelled, LABEL_COLUMNS)
    latest = latest_corrections(corrections).set_index("item_id")
    rows = labelled["item_id"].isin(latest.index)
    for i in labelled.index[rows]:
        fix = latest.loc[labelled.at[i, "item_id"]]
        labelled.loc[i, ["thema", "also", "landelijke_prioriteiten"]] = [fix["thema"], fix["also"], fix["landelijke_prioriteiten"]]
        labelled.at[i, "veld"] = codebook.veld_of(fix["thema"])
        labelled.loc[i, ["label_confidence", "lp_confidence"]] = [1.0, 1.0]
        note = f" ({fix['note']})" if fix.get("note") else ""
        labelled.at[i, "label_evidence"] = f"Handmatig beoordeeld door {fix['reviewer']} op {fix['reviewed_at']}{note}"
        labelled.at[i, "label_source"] = "review"
    return validate("speerpunten", labelled, LABEL_COLUMNS)


def correction_training_items(corrections: pd.DataFrame, training_columns: list[str]) -> pd.DataFrame:
    """Reviewed corrections (latest per item) as training items of the classifier."""
    latest = latest_corrections(corrections)
    return pd.DataFrame({
        "text": latest["text"], "context": latest["context"], "thema": latest["thema"], "also": latest["also"],
        "landelijke_prioriteiten": latest["landelijke_prioriteiten"], "plan": "review:" + latest["item_id"],
    })[training_columns]
