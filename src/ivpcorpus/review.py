"""Human review of codebook labels: export a sheet of uncertain items, import the corrections.

Corrections live in `OUT_DIR/review/corrections.csv`, one row per reviewed item per import,
with reviewer and time. The file is only ever appended to (the latest row per item wins), so
the history stays and nothing a researcher decided is lost by re-running or retraining: every
run applies the latest corrections over the model and trains on them.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from ivpcorpus.catalog import CORRECTIONS_CSV, LEVELS, REVIEW_DIR, SPEERPUNT_CORRECTIONS_CSV, SPEERPUNTEN_CSV
from ivpcorpus.classify.corrections import CORRECTION_COLUMNS, apply_corrections, parse_corrections
from ivpcorpus.codebook import Codebook
from ivpcorpus.errors import ReviewError
from ivpcorpus.report.xlsx import cell_value
from ivpcorpus.speerpunten import item_id
from ivpcorpus.speerpunten.corrections import DECISIONS, SPEERPUNT_CORRECTION_COLUMNS, parse_speerpunt_corrections
from ivpcorpus.store import Store, atomic_write_csv

# Columns of the review sheet the researcher fills in.
FILL_COLUMNS = ["correctie_thema", "correctie_also", "correctie_landelijke_prioriteiten", "opmerking"]
SHEET_COLUMNS = ["item_id", "source_file", "page", "text", "context", "thema", "also", "landelijke_prioriteiten",
                 "label_confidence", "lp_confidence", "top3", "label_evidence", "reden", *FILL_COLUMNS]
REVIEW_SHEET = "beoordeling"
CODEBOOK_SHEET = "codeboek"
# The finder's output for a person: items of unclear plans, candidates, and rows to add a missed item.
SPEERPUNT_SHEET = "speerpunten"
SPEERPUNT_FILL_COLUMNS = ["beslissing", "correctie_niveau", "correctie_tekst", "correctie_pagina", "opmerking"]
SPEERPUNT_SHEET_COLUMNS = ["doc_id", "source_file", "plan_status", "item_id", "level", "text", "page", "evidence",
                           "score", "reden", *SPEERPUNT_FILL_COLUMNS]


def corrections_path(out_dir: Path) -> Path:
    return Path(out_dir) / REVIEW_DIR / CORRECTIONS_CSV


def load_corrections(out_dir: Path) -> pd.DataFrame:
    """The full correction history of OUT_DIR (empty when nothing was reviewed yet)."""
    path = corrections_path(out_dir)
    if not path.exists():
        return pd.DataFrame(columns=CORRECTION_COLUMNS)
    return pd.read_csv(path, dtype=str, keep_default_na=False)[CORRECTION_COLUMNS]


def speerpunt_corrections_path(out_dir: Path) -> Path:
    return Path(out_dir) / REVIEW_DIR / SPEERPUNT_CORRECTIONS_CSV


def load_speerpunt_corrections(out_dir: Path) -> pd.DataFrame:
    """The history of a person's decisions on found speerpunten (empty when there are none)."""
    path = speerpunt_corrections_path(out_dir)
    if not path.exists():
        return pd.DataFrame(columns=SPEERPUNT_CORRECTION_COLUMNS)
    return pd.read_csv(path, dtype=str, keep_default_na=False)[SPEERPUNT_CORRECTION_COLUMNS]


# -- export ----------------------------------------------------------------------------------
def select_for_review(labelled: pd.DataFrame, n_uncertain: int = 40, n_check: int = 10, seed: int = 0) -> pd.DataFrame:
    """The least certain model labels, plus a random sample of certain ones to check the certainty.

    An item is as certain as the less certain of its thema and its landelijke prioriteiten (a
    table labelled without a priorities' confidence ranks by the thema's alone)."""
    model = labelled[labelled["label_source"] == "model"]
    thema = model["label_confidence"].astype(float)
    lp = model["lp_confidence"].astype(float) if "lp_confidence" in model.columns else thema
    model = model.assign(certainty=np.fmin(thema, lp), lp_least=lp < thema).sort_values(["certainty", "item_id"],
                                                                                         kind="stable")
    uncertain = model.head(n_uncertain)
    uncertain = uncertain.assign(reden=np.where(uncertain["lp_least"], "onzeker (landelijke prioriteiten)", "onzeker (thema)"))
    rest = model.iloc[len(uncertain):]
    check = rest.sample(n=min(n_check, len(rest)), random_state=seed).assign(reden="steekproef (zeker)")
    selection = pd.concat([uncertain, check])
    for column in FILL_COLUMNS:
        selection[column] = ""
    for column in SHEET_COLUMNS:
        if column not in selection.columns:
            selection[column] = ""
    return selection[SHEET_COLUMNS].reset_index(drop=True)


UNCLEAR_STATUSES = ("onzeker", "geen", "fout")


def select_speerpunten_for_review(items: pd.DataFrame, findings: pd.DataFrame, candidates: pd.DataFrame) -> pd.DataFrame:
    """Per plan whose speerpunten are unclear (status onzeker, geen, fout): its found items, the
    finder's best candidates (which do not count until a person accepts them) and an empty row
    to add a missed item."""
    rows = []
    for plan in findings[findings["status"].isin(UNCLEAR_STATUSES)].itertuples():
        base = {"doc_id": plan.doc_id, "source_file": plan.source_file, "plan_status": plan.status}
        for item in items[items["doc_id"] == plan.doc_id].itertuples():
            rows.append({**base, "item_id": item.item_id, "level": item.level, "text": item.text, "page": item.page,
                         "evidence": item.evidence, "score": item.confidence, "reden": "gevonden, plan onzeker"})
        for candidate in candidates[candidates["doc_id"] == plan.doc_id].itertuples():
            rows.append({**base, "item_id": item_id(plan.doc_id, candidate.level, candidate.text), "level": candidate.level,
                         "text": candidate.text, "page": candidate.page, "evidence": candidate.evidence,
                         "score": candidate.score, "reden": "kandidaat, telt pas mee na 'speerpunt'"})
        rows.append({**base, "reden": f"ontbrekend speerpunt? vul beslissing 'speerpunt' en correctie_tekst in ({plan.finding})"})
    sheet = pd.DataFrame(rows, columns=SPEERPUNT_SHEET_COLUMNS)
    return _blank_cells(sheet)


def _blank_cells(sheet: pd.DataFrame) -> pd.DataFrame:
    """Empty cells of a review sheet as "" (never NaN), in the sheet written and the sheets read;
    as objects, because pandas 4 refuses a text fill value in a float column."""
    return sheet.astype(object).fillna("")


def codebook_table(codebook: Codebook) -> pd.DataFrame:
    """The codebook for the researcher: thema's (with veld) and landelijke prioriteiten."""
    themes = [{"soort": "thema", "id": t.id, "naam": t.name, "veld": t.veld, "gebruik_voor": t.use_for} for t in codebook.themes]
    lps = [{"soort": "landelijke_prioriteit", "id": p.id, "naam": p.name, "veld": "", "gebruik_voor": p.use_for}
           for p in codebook.landelijke_prioriteiten]
    return pd.DataFrame(themes + lps)


def write_review_workbook(sheet: pd.DataFrame, codebook: Codebook, path: Path,
                          speerpunten_sheet: pd.DataFrame | None = None) -> Path:
    """Excel file: the review sheet (dropdown of thema ids in correctie_thema), the codebook and,
    when given, the sheet of unclear plans' speerpunten (dropdowns for the decision and level)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    review = book.active
    review.title = REVIEW_SHEET
    review.append(list(sheet.columns))
    for row in sheet.itertuples(index=False):
        review.append([cell_value(v) for v in row])
    for cell in review[1]:
        cell.font = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for name in FILL_COLUMNS:
        col = list(sheet.columns).index(name) + 1
        review.cell(1, col).fill = fill
    hints = {
        "correctie_thema": "Kies het juiste thema (lijst). Leeg = niet beoordeeld. Ook een juist modellabel opnieuw kiezen telt als bevestiging.",
        "correctie_also": "Andere thema-ids, gescheiden door |. Leeg = geen.",
        "correctie_landelijke_prioriteiten": ", ".join(codebook.lp_ids) + "; gescheiden door |. Leeg = geen.",
    }
    for name, hint in hints.items():
        review.cell(1, list(sheet.columns).index(name) + 1).comment = Comment(hint, "ivpcorpus")

    table = codebook_table(codebook)
    codes = book.create_sheet(CODEBOOK_SHEET)
    codes.append(list(table.columns))
    for row in table.itertuples(index=False):
        codes.append(list(row))
    n_themes = len(codebook.themes)
    thema_col = chr(ord("A") + list(sheet.columns).index("correctie_thema"))
    validation = DataValidation(type="list", formula1=f"={CODEBOOK_SHEET}!$B$2:$B${n_themes + 1}", allow_blank=True,
                                showErrorMessage=True, errorTitle="Onbekend thema",
                                error="Kies een thema-id uit het codeboek (tabblad 'codeboek').")
    review.add_data_validation(validation)
    validation.add(f"{thema_col}2:{thema_col}{max(len(sheet), 1) + 1}")
    review.freeze_panes = "B2"
    if speerpunten_sheet is not None:
        _add_speerpunten_sheet(book, speerpunten_sheet)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    book.save(tmp)
    tmp.replace(path)
    return path


def _add_speerpunten_sheet(book, sheet: pd.DataFrame) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    found = book.create_sheet(SPEERPUNT_SHEET, 1)
    found.append(list(sheet.columns))
    for row in sheet.itertuples(index=False):
        found.append([cell_value(v) for v in row])
    columns = list(sheet.columns)
    for cell in found[1]:
        cell.font = Font(bold=True)
    for name in SPEERPUNT_FILL_COLUMNS:
        found.cell(1, columns.index(name) + 1).fill = PatternFill("solid", fgColor="FFF2CC")
    found.cell(1, columns.index("beslissing") + 1).comment = Comment(
        "'speerpunt': telt mee (een kandidaat, of een ontbrekend speerpunt met correctie_tekst); "
        "'geen speerpunt': telt niet mee. Leeg = niet beoordeeld.", "ivpcorpus")
    last = max(len(sheet), 1) + 1
    for name, choices in (("beslissing", DECISIONS), ("correctie_niveau", LEVELS)):
        letter = get_column_letter(columns.index(name) + 1)
        validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        found.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{last}")
    found.freeze_panes = "D2"


def export_review(out_dir: Path, codebook: Codebook, n_uncertain: int = 40, n_check: int = 10, seed: int = 0,
                  now: datetime | None = None) -> tuple[Path, Path, int]:
    """Write review sheets (xlsx + csv) for OUT_DIR's labelled speerpunten; a new file each time."""
    labelled = Store(out_dir).read("speerpunten")
    if "label_source" not in labelled.columns:
        raise ReviewError(f"de speerpunten in {out_dir} hebben nog geen labels; draai eerst de classificatie")
    sheet = select_for_review(labelled, n_uncertain, n_check, seed)
    store = Store(out_dir)
    speerpunten_sheet = None
    if store.has("speerpunt_findings"):
        candidates = store.read("speerpunt_candidates") if store.has("speerpunt_candidates") else \
            pd.DataFrame(columns=["doc_id", "level", "text", "page", "evidence", "score"])
        speerpunten_sheet = select_speerpunten_for_review(labelled, store.read("speerpunt_findings"), candidates)
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%d-%H%M%S")
    folder = Path(out_dir) / REVIEW_DIR
    xlsx = write_review_workbook(sheet, codebook, folder / f"beoordeling-{stamp}.xlsx", speerpunten_sheet)
    csv = folder / f"beoordeling-{stamp}.csv"
    atomic_write_csv(csv, sheet)
    if speerpunten_sheet is not None:
        atomic_write_csv(folder / f"speerpunten-{stamp}.csv", speerpunten_sheet)
    return xlsx, csv, len(sheet)


# -- import ----------------------------------------------------------------------------------
def read_review_sheet(path: Path) -> pd.DataFrame:
    """A filled-in review sheet (.xlsx from `export_review`, or .csv with the same columns)."""
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise ReviewError(f"{path.name}: verwacht een .xlsx- of .csv-bestand uit `ivpcorpus review export`")
    try:
        sheet = pd.read_excel(path, sheet_name=REVIEW_SHEET, dtype=str, engine="openpyxl") \
            if path.suffix.lower() == ".xlsx" else pd.read_csv(path, dtype=str, keep_default_na=False)
    except Exception as error:  # openpyxl and pandas raise many kinds for a file that is not a sheet
        raise ReviewError(f"{path.name}: geen leesbaar beoordelingsblad ({type(error).__name__}); "
                          "gebruik het bestand uit `ivpcorpus review export`") from None
    missing = [c for c in ("item_id", "text", "correctie_thema") if c not in sheet.columns]
    if missing:
        raise ReviewError(f"{path.name}: kolom(men) {missing} ontbreken; gebruik het blad uit `ivpcorpus review export`")
    return _blank_cells(sheet)


def import_review(path: Path, out_dir: Path, reviewer: str, codebook: Codebook,
                  now: datetime | None = None) -> pd.DataFrame:
    """Validate a filled-in sheet and append its corrections to OUT_DIR/review/corrections.csv.

    The stored speerpunten table (when present) gets the corrected labels at once; later runs
    apply them again. Returns the new corrections.
    """
    new = parse_corrections(read_review_sheet(path), codebook, reviewer, now, source_file=Path(path).name)
    store = Store(out_dir)
    problems = []
    doubled = sorted(set(new["item_id"][new["item_id"].duplicated()]))
    if doubled:
        problems.append(f"item(s) meer dan eens beoordeeld in het blad: {doubled}")
    if store.has("speerpunten"):
        unknown = sorted(set(new["item_id"]) - set(store.read("speerpunten")["item_id"]))
        if unknown:
            problems.append(f"item(s) niet in de opslag van {out_dir}: {unknown} (blad van een andere run?)")
    if problems:
        raise ReviewError("beoordeling niet geïmporteerd, niets opgeslagen:\n  " + "\n  ".join(problems))
    history = pd.concat([load_corrections(out_dir), new], ignore_index=True)
    atomic_write_csv(corrections_path(out_dir), history)
    store.write("corrections", history)
    if store.has("speerpunten"):
        labelled = store.read("speerpunten")
        if "label_source" in labelled.columns:
            store.write("speerpunten", apply_corrections(labelled, history, codebook))
            atomic_write_csv(Path(out_dir) / SPEERPUNTEN_CSV, store.read("speerpunten"))
    store.publish()
    return new


# -- the finder's output: decisions on speerpunten ---------------------------------------------
def read_speerpunten_sheet(path: Path) -> pd.DataFrame | None:
    """The filled-in speerpunten sheet of a workbook from `export_review` (or its .csv); None when
    the file has none."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        try:
            names = load_workbook(path, read_only=True).sheetnames
        except Exception as error:  # openpyxl raises many kinds for a file that is no workbook
            raise ReviewError(f"{path.name}: geen leesbaar Excel-bestand ({type(error).__name__})") from None
        if SPEERPUNT_SHEET not in names:
            return None
        sheet = pd.read_excel(path, sheet_name=SPEERPUNT_SHEET, dtype=str)
    elif path.suffix.lower() == ".csv":
        sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "beslissing" not in sheet.columns:
            return None
    else:
        raise ReviewError(f"{path.name}: verwacht een .xlsx- of .csv-bestand uit `ivpcorpus review export`")
    missing = [c for c in ("doc_id", "item_id", "beslissing") if c not in sheet.columns]
    if missing:
        raise ReviewError(f"{path.name}: kolom(men) {missing} ontbreken in het blad '{SPEERPUNT_SHEET}'")
    return _blank_cells(sheet)


def import_speerpunt_review(path: Path, out_dir: Path, reviewer: str, now: datetime | None = None) -> pd.DataFrame:
    """Validate the speerpunten sheet of a filled-in file and append its decisions to
    OUT_DIR/review/speerpunt_corrections.csv; every later run applies them (and they count in
    every figure). Returns the new decisions (empty when the file has no such sheet)."""
    sheet = read_speerpunten_sheet(path)
    if sheet is None:
        return pd.DataFrame(columns=SPEERPUNT_CORRECTION_COLUMNS)
    store = Store(out_dir)
    if not store.has("documents"):
        raise ReviewError(f"{out_dir} bevat geen run; draai eerst `ivpcorpus run`")
    known = set(store.read("speerpunten")["item_id"]) if store.has("speerpunten") else set()
    if store.has("speerpunt_candidates"):
        candidates = store.read("speerpunt_candidates")
        known |= {item_id(d, lvl, t) for d, lvl, t in zip(candidates["doc_id"], candidates["level"], candidates["text"])}
    new = parse_speerpunt_corrections(sheet, store.read("documents"), known, reviewer, now, Path(path).name)
    if len(new):
        history = pd.concat([load_speerpunt_corrections(out_dir), new], ignore_index=True)
        atomic_write_csv(speerpunt_corrections_path(out_dir), history)
    return new
