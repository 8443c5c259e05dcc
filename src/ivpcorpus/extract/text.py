"""Text-level rules shared by every input format: normalisation, line shapes, hyphenation.

The PDF reader knows fonts and positions, the HTML and DOCX readers know markup, plain text
knows neither; but all of them need the same answers to "is this line a numbered heading, a
list item, a page number?" and "is this line-end hyphen typesetting or a real hyphen?", so
those rules live here once.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from ivpcorpus import catalog

# Characters that carry no meaning of their own in published text: typographic ligatures,
# the many widths of space, zero-width marks. NFKC over the whole text would also rewrite
# superscripts, fractions and ellipses, which are meaningful in plans ("m²", "½ jaar").
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
              "\ufb05": "st", "\ufb06": "st", "\u0132": "IJ", "\u0133": "ij"}
# A non-breaking hyphen is an ordinary hyphen. U+2010 is kept until lines are joined: typesetters
# such as WeasyPrint use it for their own hyphenation, which is evidence for joining.
_HYPHENS = {"\u2011": "-"}
TYPESET_HYPHEN = "\u2010"
# pdfium reports a hyphen it recognises as line-end hyphenation as the control character 0x02;
# it is the same evidence as U+2010 (the word may still be a real compound: "Zorg- en ...").
_PDFIUM_HYPHEN = {"\x02": TYPESET_HYPHEN}
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                                 "\u2009\u200a\u202f\u205f\u3000\t\x0b\x0c"), " ")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\x00"), None)
_TRANSLATION = str.maketrans({**{ord(k): v for k, v in {**_LIGATURES, **_HYPHENS, **_PDFIUM_HYPHEN}.items()}, **_SPACES,
                              **_INVISIBLE})
SOFT_HYPHEN = "\u00ad"

_UNMAPPED = re.compile(r"[\ufffd\ue000-\uf8ff]|\(cid:\d+\)")

BULLETS = "•◦▪▫●○■□◆◇►▶➢➤✓✔-–—*·o\uf0b7\uf0a7\uf0d8\uf076\uf0fc"
_BULLET_ITEM = re.compile(r"^\s*([•◦▪▫●○■□◆◇►▶➢➤✓✔\-–—*·\uf0b7\uf0a7\uf0d8\uf076\uf0fc]|o(?=\s))\s+(?=\S)")
_ENUM_ITEM = re.compile(r"^\s*(\(?(\d{1,2}|[a-z]|[ivx]{1,4})\))\s+(?=\S)|^\s*([a-z]\.)\s+(?=\S)")
# "3", "3.", "3.2", "3.2.1" followed by a title; at most three levels deep and no year-like numbers.
_NUMBERED = re.compile(r"^\s*((?:[1-9]\d?|0)(?:\.\d{1,2}){0,3})\.?\s+(?=\S)")
_CHAPTER = re.compile(r"^\s*(hoofdstuk|deel|bijlage)\s+([0-9]+|[ivxlc]+|[a-z])\b\s*[:.\-–]?\s*", re.IGNORECASE)
_PRIORITY = re.compile(r"^\s*(prioriteit|speerpunt|thema|doel(?:stelling)?|ambitie)\s+(\d{1,2}|[ivx]+)\s*[:.\-–]\s*",
                       re.IGNORECASE)
_TOC_ENTRY = re.compile(r"(\.{3,}|…+|\s{2,}|\s)\d{1,3}\s*$")
_PAGE_NUMBER = re.compile(r"^\s*(?:(?:pagina|blz\.?|page|p\.)\s*)?\d{1,4}(?:\s*(?:/|van|of)\s*\d{1,4})?\s*$|"
                          r"^\s*[-–]\s*\d{1,4}\s*[-–]\s*$|^\s*[ivxlc]{1,6}\s*$", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
_TERMINAL = ".!?;:,"

# Line-end hyphens that are real: "jeugd- en zorgpartners", "ex-gedetineerden", "e-mail".
_KEEP_BEFORE = re.compile(r"^(en|of|tot|als|noch|dan)\b|^,")


def normalize(text: str) -> str:
    """Ligatures, odd spaces and invisible marks to plain text; compose diacritics (NFC)."""
    return unicodedata.normalize("NFC", text.translate(_TRANSLATION))


def unmapped_share(text: str) -> float:
    """Share of the non-space characters that are unmapped glyphs (U+FFFD, private use, (cid:n))."""
    visible = sum(1 for ch in text if not ch.isspace())
    if not visible:
        return 0.0
    unmapped = sum(len(m.group()) if m.group().startswith("(") else 1 for m in _UNMAPPED.finditer(text))
    return unmapped / visible


_BARE_MARKER = re.compile(r"\s*(?:[•◦▪▫●○■□◆◇►▶➢➤✓✔\-–—*·\uf0b7\uf0a7\uf0d8\uf076\uf0fc]\s*)?"
                          r"(?:\(?(?:\d{1,2}(?:\.\d{1,2})*|[a-z]|[ivx]{1,4})[.)]?)?\s*")


def is_bare_marker(line: str) -> bool:
    """A list bullet or number without its text ('•', 'a.', '• 2.', '3)'): Word puts those on a line of their own."""
    return bool(line.strip()) and bool(_BARE_MARKER.fullmatch(line))


def is_page_number(line: str) -> bool:
    """A line that is only a page number: '12', 'Pagina 3 van 20', '- 4 -', 'iv'."""
    return bool(_PAGE_NUMBER.match(line))


@dataclass(frozen=True)
class LineShape:
    """What a line's own text says about it: heading/list numbering and the nesting level."""

    kind: str | None   # "heading", "list_item", or None when the text alone does not tell
    level: int
    marker: str        # the numbering or bullet as written ('' when none)


def _looks_like_title(rest: str) -> bool:
    """Short, capitalised, no sentence end: the text after a number reads as a title."""
    words = rest.split()
    return (0 < len(words) <= 14 and rest[:1].isupper() and rest.rstrip()[-1:] not in ".;,"
            and not _TOC_ENTRY.search(rest))


def line_shape(line: str) -> LineShape:
    """Classify one line by its numbering or bullet. Font-based heading detection is the caller's."""
    stripped = line.strip()
    for pattern, level in ((_CHAPTER, 1), (_PRIORITY, 2)):
        if m := pattern.match(stripped):
            if _TOC_ENTRY.search(stripped) and len(stripped.split()) <= 16:
                return LineShape("list_item", level, m.group(0).strip())  # table of contents entry
            return LineShape("heading", level, m.group(0).strip())
    if m := _BULLET_ITEM.match(line):
        return LineShape("list_item", 1 if m.group(1) not in "o◦▫○-–" else 2, m.group(1))
    if m := _ENUM_ITEM.match(line):
        marker = (m.group(1) or m.group(3)).strip()
        return LineShape("list_item", 2 if marker[0].isalpha() and marker[0] not in "ivx" else 1, marker)
    if m := _NUMBERED.match(stripped):
        number = m.group(1)
        rest = stripped[m.end():]
        if _TOC_ENTRY.search(rest) and len(rest.split()) <= 16:
            return LineShape("list_item", number.count(".") + 1, number)  # table of contents entry
        if _looks_like_title(rest):
            return LineShape("heading", number.count(".") + 1, number)
        if "." in stripped[: m.end()] or ")" in stripped[: m.end()]:
            return LineShape("list_item", 1, number)  # "1. Een zin die doorloopt;"
    return LineShape(None, 0, "")


def word_counts(text: str) -> Counter[str]:
    """Lower-cased words of a document, hyphenated compounds kept whole; evidence for de-hyphenation."""
    return Counter(w.lower() for w in _WORD.findall(text))


def join_lines(first: str, second: str, vocabulary: Counter[str] | None = None) -> str:
    """Join two consecutive lines of one paragraph, undoing typesetting hyphenation only.

    'veiligheids-' + 'beleid' -> 'veiligheidsbeleid'; 'jeugd-' + 'en zorg' -> 'jeugd- en zorg';
    'Súdwest-' + 'Fryslân' -> 'Súdwest-Fryslân'. With a vocabulary (the document's own words),
    a joined form seen elsewhere wins, and a hyphenated form seen elsewhere is kept.
    """
    first, second = first.rstrip(), second.lstrip()
    if not first:
        return second
    if not second:
        return first
    if first.endswith(SOFT_HYPHEN):
        return first[:-1] + second
    if first.endswith(TYPESET_HYPHEN):
        head = re.search(r"([^\W\d_]+)\u2010$", first)
        hyphenated = f"{head.group(1)}-{second.split(' ', 1)[0]}".lower() if head else ""
        if second[:1].islower() and not _KEEP_BEFORE.match(second) and not (vocabulary or {}).get(hyphenated):
            return first[:-1] + second
        first = first[:-1] + "-"
    if first.endswith("-") and first[-2:-1].isdigit() and second[:1].isdigit():
        return first + second  # a range broken after its hyphen: "2018-" + "2022"
    if not (first.endswith("-") and len(first) > 1 and first[-2].isalpha()):
        return f"{first} {second}"
    head_match = re.search(r"([^\W\d_]+(?:-[^\W\d_]+)*)-$", first)
    tail_match = re.match(r"[^\W\d_]+", second)
    if not head_match or not tail_match or _KEEP_BEFORE.match(second):
        return f"{first} {second}"
    head, tail = head_match.group(1), tail_match.group(0)
    hyphen_kept, joined = first + second, first[:-1] + second
    if vocabulary:
        if vocabulary.get(f"{head}-{tail}".lower(), 0):
            return hyphen_kept
        if vocabulary.get(f"{head}{tail}".lower(), 0):
            return joined
    last_part = head.rsplit("-", 1)[-1]
    if tail[0].isupper() or len(last_part) <= 2 or last_part.isupper():
        return hyphen_kept  # capitalised compounds, "e-mail", "ex-", "ICT-"
    return joined


def strip_soft_hyphens(text: str) -> str:
    """Final form of a block's text: soft hyphens gone, typesetting hyphens as plain hyphens."""
    return text.replace(SOFT_HYPHEN, "").replace(TYPESET_HYPHEN, "-")


def blocks_frame(doc_id: str, rows: list[dict]) -> pd.DataFrame:
    """Rows (page, kind, level, text, x0, top, x1, bottom[, ocr]) -> a validated `blocks` table in
    row order. `ocr` is True only for blocks read from a page image; a row without it was not."""
    if not rows:
        return catalog.empty("blocks")
    frame = pd.DataFrame(rows, columns=["page", "kind", "level", "text", "x0", "top", "x1", "bottom", "ocr"])
    frame["ocr"] = frame["ocr"].eq(True)
    frame.insert(0, "doc_id", doc_id)
    frame.insert(1, "block_id", range(len(frame)))
    frame = frame.astype({"block_id": "int64", "page": "int64", "level": "int64", "x0": "float64",
                          "top": "float64", "x1": "float64", "bottom": "float64"})
    return catalog.validate("blocks", frame)


def _ends_sentence(text: str) -> bool:
    return text.rstrip()[-1:] in _TERMINAL


def _is_short_title(line: str, next_line: str | None) -> bool:
    """An unnumbered line that stands alone as a title: short, capitalised, no closing punctuation,
    followed by a blank line, the end, or a line that starts a new sentence (plain text has no
    fonts to tell us more)."""
    words = line.split()
    starts_new = next_line is None or not next_line[:1].islower()
    return 0 < len(words) <= 10 and line[:1].isupper() and not _ends_sentence(line) and starts_new and len(line) <= 90


def blocks_from_text(doc_id: str, text: str, page: int = 1) -> pd.DataFrame:
    """Plain text (an official-publication page, a text copy of a plan) -> `blocks`.

    Headings and list items are recognised from numbering and bullets ('3.2 Ondermijning',
    'Prioriteit 1: ...', '• ...', 'a. ...') and from line shape (a short capitalised line on
    its own); other lines form paragraphs. Lines of one paragraph are joined with the
    de-hyphenation rules of `join_lines`; a blank line inside a sentence (common in text copies
    of PDFs) does not split it. Plain text has no layout, so the box columns are NaN.
    """
    text = normalize(text).replace("\r\n", "\n").replace("\r", "\n")
    vocabulary = word_counts(text)
    raw_lines = [line.rstrip() for line in text.split("\n")]
    rows: list[dict] = []
    blank_before = True
    for index, line in enumerate(raw_lines):
        stripped = line.strip()
        if not stripped:
            blank_before = True
            continue
        if is_page_number(stripped):
            blank_before = True
            continue
        following = raw_lines[index + 1].strip() if index + 1 < len(raw_lines) else ""
        shape = line_shape(line)
        previous = rows[-1] if rows else None
        continues = (
            previous is not None and shape.kind is None and previous["kind"] in ("paragraph", "list_item")
            and not _ends_sentence(previous["text"]) and stripped[:1].islower()
            and (not blank_before or previous["kind"] == "paragraph")
        )
        if continues:
            previous["text"] = join_lines(previous["text"], stripped, vocabulary)
        elif shape.kind is None and not blank_before and previous is not None and previous["kind"] == "paragraph" \
                and not _ends_sentence(previous["text"]) and not _is_short_title(stripped, following or None):
            previous["text"] = join_lines(previous["text"], stripped, vocabulary)
        else:
            kind, level = shape.kind, shape.level
            if kind is None:
                kind, level = ("heading", 2) if _is_short_title(stripped, following or None) else ("paragraph", 0)
            rows.append({"page": page, "kind": kind, "level": level, "text": stripped,
                         "x0": float("nan"), "top": float("nan"), "x1": float("nan"), "bottom": float("nan")})
        blank_before = False
    for row in rows:
        row["text"] = strip_soft_hyphens(row["text"])
    return blocks_frame(doc_id, rows)
