"""OCR of PDF pages without a text layer: pypdfium2 renders the page, Debian's tesseract reads it.

Optional: without the `tesseract` command and its Dutch data (`tesseract-ocr-nld`) a scanned
page stays flagged "needs_ocr", as before. The result is the `Line` objects the PDF reader builds
from characters, so headings, lists, tables and paragraphs come out of the same block builder.

tesseract runs as a command (no Python binding to install) and writes hOCR rather than TSV:
besides the word boxes hOCR gives every line its baseline, `x_size` and `x_descenders`
(tesseract's estimate of the line's text height from all of its letters), while a TSV word box
is as tall as that word's own letters ("een" is lower than "jeugd"). A size per line is what
tells headings from body text and a table's cells from the text around it.

A scan takes seconds per page (about 2 s at 300 dpi on one core), so a long one needs a larger
time limit than the default of `extract_many`.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter

import numpy as np
import pypdfium2 as pdfium

from ivpcorpus.extract.pdf import Line
from ivpcorpus.extract.text import normalize

LANGUAGE = "nld"
# Rendering resolution, tesseract's own recommendation. On three demo plans scanned at 200 dpi the
# text read at 300 dpi was as close to the text layer as at 200 or 400 dpi or closer (character
# similarity 0.80-0.88, 0.80-0.86 and 0.80-0.87), at 1.9 s per page against 1.5 and 2.7.
DPI = 300
# A line's font size from tesseract's x_size minus x_descenders, the height from the baseline
# to the top of the ascenders: about 0.59 of the font size in the demo plans' fonts, and steadier
# than x_size itself (tesseract guesses the descenders of a line that has none). In font sizes
# an OCR line has the size and box of a text-layer line, so the reader's thresholds in font
# sizes (word and cell gaps, line spacing) mean the same on both.
_ASCENT_PER_EM = 0.59
_DESCENT_PER_EM = 0.25
# A gap wider than this many font sizes between two words splits a tesseract line into cells
# (as `pdf._CELL_GAP_EM` does for characters): tesseract reads a table row as one line.
_CELL_GAP_EM = 1.6
_LINE_CLASSES = {"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"}
# Table rulings and frame edges come back as "|" words.
_RULE = re.compile(r"[|¦]+")
# Relative to the line's x_size: dot leaders are lower than any letter, a bullet (about 0.3)
# is lower than an x-height letter (about 0.55) and not much wider than it is high, specks of
# dirt are smaller still.
_LEADER_HEIGHT = 0.3
_BULLET_HEIGHT = 0.45
_SPECK_HEIGHT = 0.15
# OCR sizes of one font scatter by a pixel or two of ascent (about 3 % each in the demo plans);
# sizes this close to a more frequent one are that size.
_SAME_SIZE = 0.06
_SAME_PARAGRAPH_SIZE = 0.12
_TITLE_FIELD = re.compile(r"(\w+)\s+([^;]+)")


@functools.cache
def available() -> bool:
    """tesseract is on PATH and has the Dutch language data."""
    command = shutil.which("tesseract")
    if command is None:
        return False
    try:
        result = subprocess.run([command, "--list-langs"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return LANGUAGE in result.stdout.split()


def read_page(page: pdfium.PdfPage) -> tuple[float, float, list[Line]] | None:
    """(width, height, lines) of one page read from its rendered image: the page size in
    points as rendered (rotation applied) and the text lines in PDF points, top-down.
    None when it cannot be read: tesseract is not installed, or the page cannot be rendered or
    read."""
    if not available():
        return None
    scale = DPI / 72
    try:
        bitmap = page.render(scale=scale, grayscale=True)
    except pdfium.PdfiumError:  # a damaged page image
        return None
    try:
        pixels = bitmap.to_numpy()
        height, width = pixels.shape[:2]
        image = b"P5\n%d %d\n255\n" % (width, height) + np.ascontiguousarray(pixels).tobytes()
    finally:
        bitmap.close()
    # One thread per page: extraction already runs one worker per core, and tesseract's own
    # threads would only compete with them.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    command = ["tesseract", "stdin", "stdout", "-l", LANGUAGE, "--dpi", str(DPI), "hocr"]
    try:
        result = subprocess.run(command, input=image, capture_output=True, env=env, check=False)
    except OSError:  # no memory left to start it, or the command vanished
        return None
    if result.returncode != 0:
        return None
    try:
        lines = _hocr_lines(result.stdout, 1 / scale)
    except ET.ParseError:
        return None
    return width / scale, height / scale, lines


def _title(element: ET.Element) -> dict[str, list[float]]:
    """hOCR's title attribute ("bbox 10 20 30 40; x_size 34") as numbers per field."""
    fields = {}
    for name, values in _TITLE_FIELD.findall(element.get("title", "")):
        try:
            fields[name] = [float(v) for v in values.split()]
        except ValueError:
            continue
    return fields


def _hocr_lines(hocr: bytes, points_per_pixel: float) -> list[Line]:
    """A `Line` per line or table cell of tesseract's hOCR, in tesseract's reading order.

    All words of a line share the line's box from its baseline and ascent, as the characters of
    a text-layer line share their font's ascent and descent. tesseract does not tell bold from
    regular, so no line is bold.
    """
    lines = []
    for paragraph in ET.fromstring(hocr).iter():
        if paragraph.get("class") != "ocr_par":
            continue
        rows = []  # (ascent, baseline, words) per line, in pixels
        for element in paragraph.iter():
            line = _title(element) if element.get("class") in _LINE_CLASSES else {}
            if "bbox" in line and "x_size" in line:
                x_size = line["x_size"][0]
                baseline = line["bbox"][3] + (line.get("baseline") or [0.0])[-1]
                rows.append((x_size - line.get("x_descenders", [0.0])[0], baseline, _words(element, x_size)))
        # One paragraph is one font, but tesseract's ascent of a short line (a table cell, the end
        # of a paragraph) is off by up to a tenth: such lines take the paragraph's ascent.
        weights = [sum(len(word[0]) for word in words) for _, _, words in rows]
        typical = _weighted_median([ascent for ascent, _, _ in rows], weights) if any(weights) else 0.0
        for ascent, baseline, words in rows:
            if abs(ascent - typical) <= _SAME_PARAGRAPH_SIZE * typical:
                ascent = typical
            size = round(ascent * points_per_pixel / _ASCENT_PER_EM, 1)
            top, bottom = (baseline - ascent) * points_per_pixel, baseline * points_per_pixel + _DESCENT_PER_EM * size
            cells: list[list[tuple[str, float, float, bool]]] = []
            for word in words:
                x0, x1 = word[1] * points_per_pixel, word[2] * points_per_pixel
                if not cells or x0 - cells[-1][-1][2] > _CELL_GAP_EM * size:
                    cells.append([])
                cells[-1].append((word[0], x0, x1, word[3]))
            for cell in cells:
                texts = [_bullet(text) if index == 0 and mark else text
                         for index, (text, _, _, mark) in enumerate(cell)]
                lines.append(Line(" ".join(texts), cell[0][1], top, cell[-1][2], bottom, size, False))
    return lines


def _bullet(text: str) -> str:
    """A small mark that starts a line or cell is a bullet; tesseract reads a filled one as "e",
    "*" or "«" and a hollow one (a second-level bullet) as "o", "oe" or "°"."""
    return "◦" if text[0] in "oO0°" else "•"


def _words(line: ET.Element, x_size: float) -> list[tuple[str, float, float, bool]]:
    """(text, x0, x1, is_small_mark) in pixels for the words of one hOCR line, without the
    marks that are not text."""
    words = []
    for word in line.iter():
        if word.get("class") != "ocrx_word":
            continue
        text = normalize("".join(word.itertext())).strip()
        box = _title(word).get("bbox")
        if not text or not box or _RULE.fullmatch(text):
            continue
        width, height = box[2] - box[0], box[3] - box[1]
        if height < _LEADER_HEIGHT * x_size and width > 2 * height:
            continue  # dot leaders of a table of contents, read as a flat row of letters
        if height < _SPECK_HEIGHT * x_size:
            continue  # a speck of dirt or a stray mark, read as "." or a lone accent
        mark = len(text) <= 2 and height < _BULLET_HEIGHT * x_size and width < 2 * height
        words.append((text, box[0], box[2], mark))
    return words


def _weighted_median(values: list[float], weights: list[int]) -> float:
    pairs = sorted(zip(values, weights))
    half, seen = sum(weights) / 2, 0
    for value, weight in pairs:
        seen += weight
        if seen >= half:
            return value
    return pairs[-1][0]


def harmonize_sizes(lines: list[Line]) -> None:
    """Give the OCR lines of one document one size per font, in place.

    The block builder tells headings, heading levels and paragraph breaks from sizes; a text
    layer gives one exact size per font, OCR a spread around it. The most frequent size (by
    characters) takes every size within `_SAME_SIZE` of it, then the next, and so on.
    """
    weight: Counter[float] = Counter()
    for line in lines:
        weight[line.size] += len(line.text)
    snapped: dict[float, float] = {}
    for size, _ in weight.most_common():
        if size in snapped:
            continue
        for other in weight:
            if other not in snapped and abs(other - size) <= _SAME_SIZE * size:
                snapped[other] = size
    for line in lines:
        line.size = snapped[line.size]
