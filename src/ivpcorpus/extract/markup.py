"""HTML (official publication pages) and DOCX into the same block structure as PDF (page 1)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd

from ivpcorpus.extract.text import blocks_frame, blocks_from_text, line_shape, normalize

_NAN = float("nan")
# Boilerplate on overheid.nl / lokaleregelgeving pages: navigation, metadata, feedback prompts.
_BOILERPLATE_TAGS = ["script", "style", "noscript", "nav", "header", "footer", "form", "button", "aside", "svg"]
_BOILERPLATE_CLASS = re.compile(r"(^|[-_ ])(nav|menu|breadcrumb|skip|footer|header|cookie|sidebar|share|"
                                r"metadata|meta-data|wetstechnische|feedback|zoek|search|toolbar)([-_ ]|$)", re.I)
_BOILERPLATE_TEXT = re.compile(r"^(Ziet u een fout in deze regeling\?|Naar de inhoud|Terug naar|Print|Deel deze)", re.I)
_CONTENT_SELECTORS = ["#content .wetgeving", "div.wetgeving", "#PaginaContainer .regeling", "article", "main",
                      "#content", "body"]


class MarkupReadError(Exception):
    """An HTML or DOCX file that cannot be read; the message is a plain reason."""


def _row(kind: str, level: int, text: str) -> dict:
    return {"page": 1, "kind": kind, "level": level, "text": text, "x0": _NAN, "top": _NAN, "x1": _NAN, "bottom": _NAN}


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", normalize(text)).strip()


def read_html(path: Path, doc_id: str) -> tuple[str | None, pd.DataFrame]:
    """Headings from h1-h6, list items from li (nesting = level), table rows, paragraphs."""
    from bs4 import BeautifulSoup, NavigableString, Tag

    try:
        soup = BeautifulSoup(path.read_bytes(), "lxml")
    except (OSError, ValueError) as error:
        raise MarkupReadError(f"HTML kan niet worden gelezen ({error})") from error
    title = _clean(soup.title.get_text(" ")) if soup.title else None
    for tag in soup(_BOILERPLATE_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.attrs is None or tag.decomposed:
            continue
        marks = " ".join([*(tag.get("class") or []), tag.get("id") or "", tag.get("role") or ""])
        if marks.strip() and _BOILERPLATE_CLASS.search(marks) and tag.name not in ("body", "html", "main"):
            tag.decompose()
    root = next((found for selector in _CONTENT_SELECTORS if (found := soup.select_one(selector))), soup)

    rows: list[dict] = []
    block_tags = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "div", "section", "article", "ul", "ol",
                  "table", "tbody", "thead", "blockquote", "dl", "dt", "dd", "pre", "br"}

    def emit_text(text: str) -> None:
        text = _clean(text)
        if text and not _BOILERPLATE_TEXT.match(text):
            shape = line_shape(text)
            rows.append(_row(shape.kind or "paragraph", shape.level, text))

    def walk(node: Tag, list_depth: int) -> None:
        loose: list[str] = []  # text directly inside a container, outside block children

        def flush() -> None:
            if loose:
                emit_text(" ".join(loose))
                loose.clear()

        for child in node.children:
            if isinstance(child, NavigableString):
                if child.strip() and type(child).__name__ == "NavigableString":
                    loose.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name not in block_tags and not child.find(list(block_tags)):
                loose.append(child.get_text(" "))
                continue
            flush()
            if re.fullmatch(r"h[1-6]", name):
                text = _clean(child.get_text(" "))
                if text:
                    rows.append(_row("heading", int(name[1]), text))
            elif name == "li":
                nested = child.find(["ul", "ol"])
                own = child
                if nested:
                    own = child.__copy__()
                    for sub in own.find_all(["ul", "ol"]):
                        sub.decompose()
                text = _clean(own.get_text(" "))
                if text:
                    rows.append(_row("list_item", list_depth + 1, text))
                # Nested lists usually sit directly in the li, sometimes inside a wrapper.
                for sub in child.find_all(["ul", "ol"], recursive=False) or ([nested] if nested else []):
                    walk(sub, list_depth + 1)
            elif name == "tr":
                cells = [_clean(cell.get_text(" ")) for cell in child.find_all(["td", "th"])]
                cells = [cell for cell in cells if cell]
                if cells:
                    rows.append(_row("table_row", 0, " | ".join(cells)))
            elif name == "p":
                emit_text(child.get_text(" "))
            elif name == "br":
                continue
            else:
                walk(child, list_depth)
        flush()

    walk(root, 0)
    if not rows:
        # Pages without block markup (a <pre> dump or bare text): fall back to line shapes.
        return title, blocks_from_text(doc_id, root.get_text("\n"))
    return title, blocks_frame(doc_id, rows)


def read_docx(path: Path, doc_id: str) -> tuple[str | None, pd.DataFrame]:
    """Heading styles -> heading levels, list paragraphs -> list items, tables -> table rows."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise MarkupReadError("beschadigd of geen Word-bestand (docx kan niet worden geopend)") from error
    title = _clean(document.core_properties.title or "") or None
    rows: list[dict] = []
    body = document.element.body
    for element in body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, document)
            text = _clean(paragraph.text)
            if not text:
                continue
            style = (paragraph.style.name if paragraph.style is not None else "") or ""
            heading = re.match(r"(?:heading|kop)\s*(\d)", style, re.I)
            numbered = element.find(".//{*}numPr") is not None
            if heading:
                rows.append(_row("heading", int(heading.group(1)), text))
            elif style.lower() == "title" or style.lower() == "titel":
                rows.append(_row("heading", 1, text))
            elif numbered or "list" in style.lower() or "lijst" in style.lower():
                level_node = element.find(".//{*}numPr/{*}ilvl")
                level = int(level_node.get(level_node.tag.replace("ilvl", "val"), 0)) + 1 if level_node is not None else 1
                rows.append(_row("list_item", level, text))
            else:
                shape = line_shape(text)
                rows.append(_row(shape.kind or "paragraph", shape.level, text))
        elif tag == "tbl":
            for table_row in Table(element, document).rows:
                cells: list[str] = []
                for cell in table_row.cells:
                    text = _clean(cell.text)
                    if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                        cells.append(text)
                if cells:
                    rows.append(_row("table_row", 0, " | ".join(cells)))
    return title, blocks_frame(doc_id, rows)
