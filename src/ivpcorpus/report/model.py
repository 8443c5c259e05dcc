"""What the report shows, independent of the output format: sections of text, charts and tables.

The HTML/PDF template and the Excel writer both read these objects. Another stage (topics)
adds its own `Section` to the report through `write_report(..., extra_sections=[...])`.
Cells hold plain strings or numbers; escaping happens in the writers, never here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ivpcorpus.report.charts import Chart


@dataclass
class ReportTable:
    title: str
    frame: pd.DataFrame  # display columns (Dutch headers), values already formatted for reading
    note: str = ""  # counting convention or caveat, shown under the table
    sheet: str = ""  # Excel sheet name for the underlying data ("" = not a separate sheet)
    data: pd.DataFrame | None = None  # the raw numbers for Excel (defaults to frame)
    numeric: tuple[str, ...] = ()  # display columns to right-align


@dataclass
class Section:
    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)  # from report.charts.bar_chart
    tables: list[ReportTable] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)  # shown after the tables, one heading level down
