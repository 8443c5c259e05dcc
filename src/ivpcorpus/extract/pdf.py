"""PDF -> pages and layout blocks, from pypdfium2 characters with fonts and positions.

pdfplumber's layout analysis is exact but slow (a few pages per second per core); pdfium
already knows every character's box, font and size, which is all the structure an IVP needs:
lines are built from character positions, columns from the empty vertical strip between them,
headings from font size and weight relative to the body text, running headers and footers
from lines that repeat at the same place on many pages.

Coordinates in the output are PDF points, top-down (pdfplumber's convention): x0, top, x1, bottom.
"""

from __future__ import annotations

import ctypes
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import NamedTuple
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ivpcorpus.extract.text import (
    is_bare_marker, is_page_number, join_lines, line_shape, normalize, strip_soft_hyphens, unmapped_share, word_counts,
)

# A gap wider than this many font sizes inside one baseline separates two columns or table cells.
_CELL_GAP_EM = 1.6
# A gap wider than this many font sizes between two characters is a word space pdfium did not mark.
_SPACE_GAP_EM = 0.18
# Running headers/footers live in the top and bottom bands of the page.
_MARGIN_SHARE = 0.14
_HEADING_SIZE_RATIO = 1.12
# A short line without closing punctuation, at least this much larger than the body text, is a
# minor heading (an italic third-level heading one point above the body size).
_MINOR_HEADING_SIZE_RATIO = 1.06
_LOW_QUALITY_UNMAPPED = 0.3


class PdfReadError(Exception):
    """A PDF that cannot be read at all; the message is a plain reason for the researcher."""


@dataclass
class Line:
    """A run of characters on one baseline without a wide gap: a line of a column, or a table cell."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    cells: list[Line] = field(default_factory=list)  # filled when the line is a table row

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class PdfPage:
    number: int
    width: float
    height: float
    lines: list[Line]
    has_text_layer: bool
    has_images: bool
    raw_text: str
    damaged: bool = False  # pdfium could not load the page itself
    ocr: bool = False  # the lines were read from the rendered page by OCR (see `ocr.py`)


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """Open a PDF, also an encrypted one with an empty user password; plain reasons on failure."""
    try:
        return pdfium.PdfDocument(str(path), password="")
    except pdfium.PdfiumError as error:
        message = str(error).lower()
        if "password" in message:
            raise PdfReadError("versleuteld PDF (wachtwoord nodig)") from error
        if "security" in message or "handler" in message:
            raise PdfReadError("versleuteld PDF met een niet-ondersteunde beveiliging") from error
        raise PdfReadError(f"beschadigd of geen PDF-bestand (kan niet worden geopend: {error})") from error


class _FontCache:
    """Font size and boldness per pdfium text object of one page (its characters share them).

    Keyed by the object's address, so one cache must never outlive its page (pdfium reuses
    the memory of closed pages).
    """

    def __init__(self) -> None:
        self._by_object: dict[int, tuple[float, bool]] = {}
        self._name = ctypes.create_string_buffer(128)
        self._flags = ctypes.c_int()

    def lookup(self, textpage, index: int, key: int) -> tuple[float, bool]:
        cached = self._by_object.get(key)
        if cached is None:
            size = round(float(pdfium_c.FPDFText_GetFontSize(textpage, index)), 1)
            pdfium_c.FPDFText_GetFontInfo(textpage, index, self._name, len(self._name), self._flags)
            name = self._name.value.decode("latin-1", "replace").lower()
            weight = pdfium_c.FPDFText_GetFontWeight(textpage, index)
            # Flag bit 19 is ForceBold; many producers only say "Bold" in the font name.
            bold = weight >= 600 or any(word in name for word in ("bold", "black", "heavy")) \
                or bool(self._flags.value & (1 << 18))
            cached = (size, bold)
            self._by_object[key] = cached
        return cached


class _Char(NamedTuple):
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    space_before: bool  # the PDF put a space character before this one


def _page_chars(textpage, crop_left: float, crop_top: float) -> list[_Char]:
    """The visible characters of a page in content order, top-down coordinates.

    Space characters are not kept as characters (some producers give them empty boxes at odd
    heights); they only mark the next character, and `_lines_from_chars` adds spaces from gaps.
    """
    fonts = _FontCache()
    count = pdfium_c.FPDFText_CountChars(textpage)
    rect = pdfium_c.FS_RECTF()
    rect_ref = ctypes.byref(rect)
    get_unicode, get_box, get_object = (pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_GetLooseCharBox,
                                        pdfium_c.FPDFText_GetTextObject)
    chars: list[_Char] = []
    space_before = False
    cache = fonts._by_object
    for index in range(count):
        text_object = get_object(textpage, index)
        code = get_unicode(textpage, index)
        if not text_object:
            # Generated by pdfium: a guessed space or a line break. Lines are rebuilt from positions.
            space_before = space_before or code == 0x20
            continue
        if code in (0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF:
            code = 0xFFFD
        char = chr(code)
        if char.isspace() or code == 0xA0:
            space_before = True
            continue
        get_box(textpage, index, rect_ref)
        key = ctypes.addressof(text_object.contents)
        size, bold = cache.get(key) or fonts.lookup(textpage, index, key)
        chars.append(_Char(char, rect.left - crop_left, crop_top - rect.top, rect.right - crop_left,
                           crop_top - rect.bottom, size, bold, space_before))
        space_before = False
    return chars


def _line_from_chars(chars: list[_Char]) -> Line | None:
    parts = [chars[0].text]
    for previous, char in zip(chars, chars[1:]):
        if char.space_before or char.x0 - previous.x1 > _SPACE_GAP_EM * max(char.size, 1.0):
            parts.append(" ")
        parts.append(char.text)
    text = re.sub(r"\s+", " ", normalize("".join(parts))).strip()
    if not text:
        return None
    sizes = Counter(c.size for c in chars)
    bold_chars = sum(1 for c in chars if c.bold)
    return Line(text, min(c.x0 for c in chars), min(c.top for c in chars), max(c.x1 for c in chars),
                max(c.bottom for c in chars), sizes.most_common(1)[0][0], bold_chars * 2 > len(chars))


def _lines_from_chars(chars: list[_Char]) -> list[Line]:
    """Group characters (in content order) into lines; a new line starts at a baseline change,
    a jump back to the left, or a gap wide enough to be a column gutter or a table cell border."""
    lines: list[Line] = []
    current: list[_Char] = []
    for char in chars:
        if current:
            last = current[-1]
            height = max(last.bottom - last.top, 1.0)
            middle, last_middle = (char.top + char.bottom) / 2, (last.top + last.bottom) / 2
            new_baseline = abs(middle - last_middle) > height * 0.5
            backwards = char.x0 < last.x0 - max(char.size, 1.0)
            wide_gap = char.x0 - last.x1 > _CELL_GAP_EM * max(char.size, last.size, 1.0)
            if new_baseline or backwards or wide_gap:
                if line := _line_from_chars(current):
                    lines.append(line)
                current = []
        current.append(char)
    if current and (line := _line_from_chars(current)):
        lines.append(line)
    return lines


OcrReader = Callable[[pdfium.PdfPage], tuple[float, float, list[Line]] | None]


def read_pages(pdf: pdfium.PdfDocument, ocr_reader: OcrReader | None = None) -> list[PdfPage]:
    """Characters -> lines for every page of an open PDF.

    A page without characters but with images is a scan: `ocr_reader` (see `ocr.read_page`)
    gives its size and lines, or None when it cannot read it (the page then needs OCR).
    """
    pages = []
    for index in range(len(pdf)):
        try:
            page = pdf[index]
        except pdfium.PdfiumError:
            pages.append(PdfPage(index + 1, 0.0, 0.0, [], False, False, "", damaged=True))
            continue
        try:
            left, bottom, right, top = page.get_cropbox()
            textpage = page.get_textpage()
            try:
                chars = _page_chars(textpage, left, top)
            finally:
                textpage.close()
            has_images = False
            if not chars:
                has_images = any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))
            scanned = ocr_reader(page) if has_images and ocr_reader is not None else None
            if scanned is not None:
                width, height, lines = scanned
                pages.append(PdfPage(index + 1, width, height, lines, False, True, "", ocr=True))
                continue
            lines = _lines_from_chars(chars)
            raw_text = "".join(c.text for c in chars)
            pages.append(PdfPage(index + 1, right - left, top - bottom, lines, bool(chars), has_images, raw_text))
        finally:
            page.close()
    return pages


def _digit_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def remove_running_lines(pages: list[PdfPage]) -> None:
    """Drop running headers/footers and page numbers in place.

    A header/footer is a line in the top or bottom band that repeats, with digits ignored, at
    about the same height on at least half of the pages (and on at least two). A line in those
    bands that is only a page number ('3', 'pagina 3 van 12', '- 3 -') goes as well.
    """
    def in_margin(line: Line, page: PdfPage) -> bool:
        return line.bottom <= page.height * _MARGIN_SHARE or line.top >= page.height * (1 - _MARGIN_SHARE)

    seen: dict[tuple[str, int], set[int]] = defaultdict(set)
    for page in pages:
        for line in page.lines:
            if in_margin(line, page):
                seen[(_digit_key(line.text), round(line.top / 6))].add(page.number)
    n_pages = sum(1 for page in pages if page.lines)
    threshold = max(2, (n_pages + 1) // 2)

    def repeats(line: Line) -> bool:
        key = _digit_key(line.text)
        bucket = round(line.top / 6)
        pages_with = set().union(*(seen.get((key, b), set()) for b in (bucket - 1, bucket, bucket + 1)))
        return len(pages_with) >= threshold

    for page in pages:
        page.lines = [line for line in page.lines
                      if not (in_margin(line, page) and (is_page_number(line.text) or repeats(line)))]


def _find_gutter(lines: list[Line], width: float) -> float | None:
    """The x of an empty vertical strip between two text columns, or None for a one-column page.

    Columns need enough lines on both sides that are as wide as a column (table cells and
    short labels are narrower), and hardly any line may cross the strip.
    """
    if len(lines) < 6:
        return None
    bins = [0] * (int(width) + 2)
    for line in lines:
        for x in range(max(int(line.x0), 0), min(int(line.x1) + 1, len(bins))):
            bins[x] += 1
    allowed = max(1, len(lines) // 12)
    best: tuple[int, float] | None = None
    run_start = None
    for x in range(int(width * 0.25), int(width * 0.75) + 1):
        if bins[x] <= allowed:
            run_start = x if run_start is None else run_start
            run = x - run_start + 1
            if run >= 6 and (best is None or run > best[0]):
                best = (run, (run_start + x) / 2)
        else:
            run_start = None
    if best is None:
        return None
    gutter = best[1]
    left = [line for line in lines if line.x1 <= gutter]
    right = [line for line in lines if line.x0 >= gutter]
    min_width = width * 0.22
    wide_left = sum(1 for line in left if line.x1 - line.x0 >= min_width)
    wide_right = sum(1 for line in right if line.x1 - line.x0 >= min_width)
    return gutter if wide_left >= 3 and wide_right >= 3 else None


def _rows(lines: list[Line]) -> list[list[Line]]:
    """Lines sorted top-down, grouped into rows that share a baseline (left to right)."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda item: (item.top, item.x0)):
        if rows and abs(rows[-1][0].bottom - line.bottom) <= max(2.0, 0.3 * line.height):
            rows[-1].append(line)
        else:
            rows.append([line])
    return [sorted(row, key=lambda item: item.x0) for row in rows]


def _is_table_row(row: list[Line], neighbours: list[list[Line]]) -> bool:
    """Several cells on one baseline form a table row only when a neighbouring row has cells
    starting at the same x: a justified line with wide word gaps, a bullet with its text, or a
    table-of-contents entry with its page number stand alone."""
    if len(row) < 2 or (len(row) == 2 and (line_shape(row[0].text + " x").kind == "list_item"
                                            or re.fullmatch(r"[.\s]*\d{1,3}", row[1].text))):
        return False
    starts = [cell.x0 for cell in row[1:]]
    return any(abs(cell.x0 - x) <= 4 for other in neighbours if len(other) >= 2 for cell in other[1:] for x in starts)


def _merged_rows(rows: list[list[Line]]) -> list[Line]:
    """Each row as one line: table rows keep their cells, other rows join them with spaces.

    A table whose cells wrap over several lines (or are centred vertically) is first gathered
    into whole table rows (see `_tables`), one line each with one cell per column.
    """
    merged = []
    tables = _tables(rows)
    index = 0
    while index < len(rows):
        if index in tables:
            end, table_lines = tables[index]
            merged.extend(table_lines)
            index = end
            continue
        row = rows[index]
        if len(row) == 1:
            merged.append(row[0])
            index += 1
            continue
        line = Line(" ".join(cell.text for cell in row), row[0].x0, min(c.top for c in row), row[-1].x1,
                    max(c.bottom for c in row), row[0].size if len(row[0].text) > 2 else row[-1].size,
                    row[-1].bold)
        if _is_table_row(row, rows[max(index - 1, 0):index] + rows[index + 1:index + 2]):
            line.cells = row
        merged.append(line)
        index += 1
    return merged


def _column_starts(seed: list[list[Line]]) -> list[float]:
    starts: list[float] = []
    for row in seed:
        for cell in row:
            if not any(abs(cell.x0 - x) <= 3 for x in starts):
                starts.append(cell.x0)
    return sorted(starts)


def _fits(line: Line, starts: list[float], size: float) -> int | None:
    """The column a line belongs to when it is a cell line of the table (starts at a column,
    ends before the next one, table font size), else None."""
    if abs(line.size - size) > 0.6:
        return None
    for column, x in enumerate(starts):
        if abs(line.x0 - x) <= 3:
            limit = starts[column + 1] if column + 1 < len(starts) else float("inf")
            return column if line.x1 <= limit + 1 else None
    return None


def _tables(rows: list[list[Line]]) -> dict[int, tuple[int, list[Line]]]:
    """Tables with wrapped or vertically centred cells, by the index of their first row.

    A table starts at two baseline rows of several cells that share column starts. It takes
    every neighbouring row whose lines each sit in one column (same font size, not wider than
    the column) with at most about a line of space in between. Its lines are then grouped into
    table rows by vertical overlap: lines of one table row are separated by less than half a
    line height. A row with text in only one column at the top or bottom edge (a caption, a
    note) is given back. Returns {first row index: (index after the table, table row lines)}.
    """
    tables: dict[int, tuple[int, list[Line]]] = {}
    candidates = [i for i, row in enumerate(rows)
                  if _is_table_row(row, rows[max(i - 1, 0):i] + rows[i + 1:i + 2])]
    done = -1
    for first in candidates:
        if first < done:
            continue
        seed = [rows[i] for i in candidates if first <= i <= first + 12]
        starts = _column_starts(seed)
        size = statistics.median(line.size for row in seed for line in row)
        height = statistics.median(line.height for row in seed for line in row)

        def fits(row: list[Line]) -> bool:
            return all(_fits(line, starts, size) is not None for line in row)

        def near(upper: list[Line], lower: list[Line]) -> bool:
            return min(ln.top for ln in lower) - max(ln.bottom for ln in upper) <= 1.2 * height

        if not fits(rows[first]):
            continue
        start = first
        while start - 1 > done and fits(rows[start - 1]) and near(rows[start - 1], rows[start]):
            start -= 1
        end = first + 1
        while end < len(rows) and fits(rows[end]) and near(rows[end - 1], rows[end]):
            end += 1
        groups: list[list[Line]] = []
        bottom = None
        for line in sorted((ln for row in rows[start:end] for ln in row), key=lambda ln: ln.top):
            if groups and bottom is not None and line.top - bottom < 0.5 * height:
                groups[-1].append(line)
                bottom = max(bottom, line.bottom)
            else:
                groups.append([line])
                bottom = line.bottom
        columns_of = [{_fits(line, starts, size) for line in group} for group in groups]
        lo, hi = 0, len(groups)
        while lo < hi and len(columns_of[lo]) < 2:
            lo += 1
        while hi > lo and len(columns_of[hi - 1]) < 2:
            hi -= 1
        if hi - lo < 2:
            continue
        kept = {id(line) for group in groups[lo:hi] for line in group}
        # Rows given back (edge groups) must lie wholly outside the table part.
        while start < end and not any(id(line) in kept for line in rows[start]):
            start += 1
        while end > start and not any(id(line) in kept for line in rows[end - 1]):
            end -= 1
        if any(id(line) not in kept for row in rows[start:end] for line in row):
            continue
        table_lines = [_table_row_line(group, starts, size) for group in groups[lo:hi]]
        tables[start] = (end, table_lines)
        done = end
    return tables


def _table_row_line(group: list[Line], starts: list[float], size: float) -> Line:
    by_column: dict[int, list[Line]] = defaultdict(list)
    for line in group:
        by_column[_fits(line, starts, size)].append(line)
    cells = []
    for column in sorted(by_column):
        lines = sorted(by_column[column], key=lambda ln: ln.top)
        text = lines[0].text
        for line in lines[1:]:
            text = join_lines(text, line.text)
        cells.append(Line(text, min(ln.x0 for ln in lines), min(ln.top for ln in lines), max(ln.x1 for ln in lines),
                          max(ln.bottom for ln in lines), lines[0].size, all(ln.bold for ln in lines)))
    return Line(" ".join(cell.text for cell in cells), cells[0].x0, min(c.top for c in cells),
                max(c.x1 for c in cells), max(c.bottom for c in cells), cells[0].size,
                all(c.bold for c in cells), cells=cells)


def _section_cuts(rows: list[list[Line]], gutter: float) -> list[float]:
    """Heights where a new section with its own pair of columns starts.

    Where one column stops well before the other (an empty stretch of more than three lines)
    and later resumes, a new section began in between; it starts at the last empty strip
    across the whole width that lies at least two lines above the point where the column
    resumes (so a section heading above the columns joins the new section).
    """
    lines = [line for row in rows for line in row]
    if not lines:
        return []
    line_height = statistics.median(line.height for line in lines)
    strips, paragraph_strips = [], []
    bottom = rows[0][0].bottom
    for row in rows:
        top = min(line.top for line in row)
        if top > bottom:
            strips.append((bottom + top) / 2)
            if top - bottom >= 0.8 * line_height:
                paragraph_strips.append((bottom + top) / 2)
        bottom = max(bottom, max(line.bottom for line in row))
    cuts = []
    for left in (True, False):
        side = sorted((line for line in lines if (line.x1 <= gutter) == left), key=lambda line: line.top)
        for above, below in zip(side, side[1:]):
            if below.top - above.bottom > 3 * line_height:
                candidates = [y for y in strips if above.bottom <= y <= below.top - 2 * line_height]
                if candidates:
                    cuts.append(max(candidates))
        # A column that ends for good, with a few rows of the other column still below it: those
        # rows are the heading of a section whose columns continue on the next page.
        if side:
            end = max(line.bottom for line in side)
            below = [row for row in rows if min(line.top for line in row) > end]
            later = [y for y in paragraph_strips if y >= end]
            body_size = statistics.median(line.size for line in lines)
            heading_rows = [all(line.bold or line.size > body_size * _HEADING_SIZE_RATIO for line in row) for row in below]
            if below and len(below) <= 3 and later and all(heading_rows):
                cuts.append(min(later))
            # A list marker at the foot of the longer column whose item text starts the other
            # column, then the next section's heading: cut above the heading, so that the other
            # column is read after the marker and before the heading.
            for k in range(1, len(below)):
                marker = " ".join(line.text for line in below[k - 1]).strip()
                # a bullet or a letter at body size; a bare number may be the heading's own chapter number
                if len(below) - k <= 3 and all(heading_rows[k:]) and not heading_rows[k - 1] \
                        and is_bare_marker(marker) and not re.fullmatch(r"[\d.)]+", marker):
                    top, above_bottom = min(line.top for line in below[k]), max(line.bottom for line in below[k - 1])
                    if top - above_bottom >= 0.8 * line_height:
                        cuts.append((top + above_bottom) / 2)
                    break
    return sorted(set(cuts))


def _bands(rows: list[list[Line]], gutter: float) -> list[list[list[Line]]]:
    """Split the rows of a two-column page into horizontal bands read one after the other:
    a line crossing the gutter (a title over both columns) is a band of its own, and a new
    section with its own columns (see `_section_cuts`) starts a new band."""
    segments: list[list[list[Line]]] = [[]]
    for row in rows:
        if any(line.x0 < gutter < line.x1 for line in row):
            segments.extend([[row], []])
        else:
            segments[-1].append(row)
    bands: list[list[list[Line]]] = []
    for segment in segments:
        cuts = _section_cuts(segment, gutter) if segment else []
        band: list[list[Line]] = []
        for row in segment:
            if cuts and min(line.top for line in row) > cuts[0]:
                while cuts and min(line.top for line in row) > cuts[0]:
                    cuts.pop(0)
                bands.append(band)
                band = []
            band.append(row)
        bands.append(band)
    return [band for band in bands if band]


def reading_order(lines: list[Line], width: float) -> list[Line]:
    """Lines of one page in reading order: column by column within horizontal bands.

    Lines on one baseline within a column are table cells, a bullet and its text, or a
    table-of-contents entry and its page number, and become one line.
    """
    gutter = _find_gutter(lines, width)
    if gutter is None:
        return _merged_rows(_rows(lines))
    ordered: list[Line] = []
    for band in _bands(_rows(lines), gutter):
        band_lines = [line for row in band for line in row]
        if len(band) == 1 and any(line.x0 < gutter < line.x1 for line in band_lines):
            ordered.extend(_merged_rows(band))
            continue
        for left in (True, False):
            side = [line for line in band_lines if (line.x1 <= gutter) == left]
            ordered.extend(_merged_rows(_rows(side)))
    return ordered


@dataclass
class _Block:
    page: int
    kind: str
    level: int
    lines: list[Line]
    text: str

    def row(self) -> dict:
        return {"page": self.page, "kind": self.kind, "level": self.level, "text": strip_soft_hyphens(self.text),
                "x0": min(ln.x0 for ln in self.lines), "top": min(ln.top for ln in self.lines),
                "x1": max(ln.x1 for ln in self.lines), "bottom": max(ln.bottom for ln in self.lines)}


def _body_style(pages: list[PdfPage]) -> tuple[float, bool]:
    """The font size (and boldness) carrying most of the document's text."""
    sizes: Counter[float] = Counter()
    bold: Counter[bool] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[round(line.size * 2) / 2] += len(line.text)
            bold[line.bold] += len(line.text)
    if not sizes:
        return 10.0, False
    return sizes.most_common(1)[0][0], bold.most_common(1)[0][0]


def _is_font_heading(line: Line, body_size: float, body_bold: bool) -> bool:
    words = line.text.split()
    if len(words) > 20 or line.cells:
        return False
    if line.size >= body_size * _HEADING_SIZE_RATIO:
        return True
    if line.size >= body_size * _MINOR_HEADING_SIZE_RATIO and len(words) <= 12 \
            and line.text.rstrip()[-1:] not in ".,;:-\u2010":
        return True
    return line.bold and not body_bold and len(words) <= 14 and line.text.rstrip()[-1:] not in ".,;"


def build_blocks(pages: list[PdfPage], ordered: dict[int, list[Line]]) -> list[_Block]:
    """Ordered lines -> headings (levels from font size rank and numbering), list items,
    table rows and paragraphs (lines joined with de-hyphenation)."""
    body_size, body_bold = _body_style(pages)
    vocabulary = word_counts("\n".join(line.text for lines in ordered.values() for line in lines))
    heading_sizes = sorted({round(line.size * 2) / 2 for lines in ordered.values() for line in lines
                            if line.size >= body_size * _HEADING_SIZE_RATIO}, reverse=True)
    blocks: list[_Block] = []
    for page in pages:
        previous: _Block | None = None
        for line in ordered.get(page.number, []):
            shape = line_shape(line.text)
            font_heading = _is_font_heading(line, body_size, body_bold)
            gap = line.top - previous.lines[-1].bottom if previous else 0.0
            close = previous is not None and -line.height < gap <= max(line.height, 1.0) * 0.8
            same_style = previous is not None and abs(previous.lines[-1].size - line.size) <= 0.6 \
                and previous.lines[-1].bold == line.bold
            if previous is not None and previous.kind == "list_item" and is_bare_marker(previous.text) and shape.kind is None and 0 <= gap <= 2 * max(line.height, 1.0):
                # Word numbering puts "a." on its own line, the item's text on the next one.
                previous.lines.append(line)
                previous.text = f"{previous.text} {line.text}"
                continue
            if line.cells:
                block = _Block(page.number, "table_row", 0, [line], " | ".join(c.text for c in line.cells))
            elif font_heading and shape.kind != "list_item":
                if previous is not None and previous.kind == "heading" and close and same_style and shape.kind is None:
                    previous.lines.append(line)
                    previous.text = join_lines(previous.text, line.text, vocabulary)
                    continue
                rounded = round(line.size * 2) / 2
                level = shape.level if shape.kind == "heading" else (
                    heading_sizes.index(rounded) + 1 if rounded in heading_sizes else len(heading_sizes) + 1)
                block = _Block(page.number, "heading", level, [line], line.text)
            elif shape.kind == "heading" and re.match(r"\s*\d{1,2}\.\s", line.text):
                # "1. Sociale veiligheid" in the body font is an item of a numbered list, not a chapter.
                block = _Block(page.number, "list_item", 1, [line], line.text)
            elif shape.kind is not None:
                block = _Block(page.number, shape.kind, shape.level, [line], line.text)
            elif previous is not None and previous.kind in ("paragraph", "list_item") and close and same_style \
                    and not (previous.kind == "list_item" and _starts_paragraph_after_item(previous, line, page)):
                previous.lines.append(line)
                previous.text = join_lines(previous.text, line.text, vocabulary)
                continue
            else:
                block = _Block(page.number, "paragraph", 0, [line], line.text)
            blocks.append(block)
            previous = block
    _rejoin_words_split_at_breaks(blocks, vocabulary)
    return [block for block in blocks if block.text]


def _starts_paragraph_after_item(item: _Block, line: Line, page: PdfPage) -> bool:
    """The body text after a list, set at the list's left edge without extra space, is not part
    of its last item: the line starts where the item's marker does (not at a hanging indent)
    and the item's last line was complete (it ended a sentence, or stopped short of the column's
    right edge, which a wrapped line does not)."""
    first, last = item.lines[0], item.lines[-1]
    if line.x0 > first.x0 + 1.5:
        return False
    if any(l.x0 > first.x0 + 3 for l in item.lines[1:]):
        return True  # the item's own continuation lines hang indented: this one does not
    right = max((l.x1 for l in page.lines if abs(l.x0 - line.x0) < 5), default=line.x1)
    return last.text.rstrip().endswith((".", "!", "?", ":")) or last.x1 < right - 0.15 * (right - line.x0)


_BREAK_HYPHEN = re.compile(r"[^\W\d_][-\u2010\u00ad]$")


def _rejoin_words_split_at_breaks(blocks: list[_Block], vocabulary: Counter[str]) -> None:
    """A word hyphenated at a column or page break ends one paragraph block and starts the
    next ("bedrijfspan-" | "den en signalen ..."). The whole word goes to the first block, on
    its page; the rest of the line stays where it is. A block left empty is dropped. The next
    block may also be a heading: a line that starts with the tail of a word was put there by a
    layout this reader misjudged ("crisisbeheer-" | "sing Domeinoverstijgende thema's")."""
    for first, second in zip(blocks, blocks[1:]):
        if first.kind not in ("paragraph", "list_item") or second.kind not in ("paragraph", "heading") \
                or not _BREAK_HYPHEN.search(first.text) or not second.text[:1].islower():
            continue
        tail, _, rest = second.text.partition(" ")
        joined = join_lines(first.text, tail, vocabulary)
        if " " in joined[len(first.text) - 1:]:
            continue  # a real hyphen before a separate word: "jeugd- | en zorgpartners"
        first.text, second.text = joined, rest.lstrip()


def page_quality(page: PdfPage, text: str) -> str:
    if page.ocr:
        return "ok" if text.strip() else "empty"
    if not page.has_text_layer:
        return "needs_ocr" if page.has_images else "empty"
    if unmapped_share(page.raw_text) > _LOW_QUALITY_UNMAPPED:
        return "low_quality"
    return "ok" if text.strip() else "empty"


def metadata_title(pdf: pdfium.PdfDocument) -> str | None:
    try:
        title = (pdf.get_metadata_dict().get("Title") or "").strip()
    except pdfium.PdfiumError:
        return None
    return normalize(title) or None
