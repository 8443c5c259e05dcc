"""report.xlsx: every analysis table on its own sheet, plus the speerpunten with labels.

Cells that come from plans are untrusted: a text starting with = + - @ (or a tab/CR) would
be a formula in Excel (formula injection), so it gets a leading apostrophe and is stored and
shown as text.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 60
HEADER_FILL = PatternFill("solid", fgColor="DDE6EE")


def neutralise(value: object) -> object:
    """A value safe to put in a cell: text that Excel would run as a formula becomes plain text,
    and control characters from PDF text (which Excel refuses) become spaces."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub(" ", value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


def cell_value(value: object) -> object:
    """Any table value as an Excel cell value (missing -> empty, numpy -> Python, text neutralised)."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    return neutralise(value)


def add_sheet(workbook: Workbook, name: str, frame: pd.DataFrame) -> None:
    """A sheet with a bold frozen header, an autofilter and widths that fit the content."""
    sheet = workbook.create_sheet(name[:31])
    sheet.append([str(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        sheet.append([cell_value(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    if len(frame.columns):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{max(len(frame), 1) + 1}"
    for i, column in enumerate(frame.columns, start=1):
        lengths = [len(str(column))] + [len(str(v)) for v in frame[column].head(500) if v is not None]
        sheet.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, max(lengths) + 2)


def write_workbook(path: Path, sheets: list[tuple[str, pd.DataFrame]]) -> None:
    """Write (name, frame) pairs as sheets, in order, atomically."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, frame in sheets:
        add_sheet(workbook, name, frame)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    workbook.save(tmp)
    tmp.replace(path)
