"""PDF extraction on the development PDFs (three real layouts with gold priorities)."""

from __future__ import annotations

import json
import re

import pytest

from ivpcorpus import catalog
from ivpcorpus.extract import EXTRACTOR_VERSION, extract_document

# Plans whose priorities the source typesets as a list or as headings (the others state them
# in running text, where only an unbroken sentence can be asked for).
LISTED = {"pijnacker-nootdorp_2023-2026", "alphen-aan-den-rijn_2015-2018", "papendrecht_2022-2026",
          "medemblik_2023-2026", "opmeer_2023-2026"}


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def dev_extractions(shared_dir):
    gold = json.loads((shared_dir / "dev/pdf/gold.json").read_text())
    return [(plan, extract_document(shared_dir / "dev/pdf" / plan["doc"], plan["plan"])) for plan in gold]


def test_tables_follow_the_schemas(dev_extractions):
    assert EXTRACTOR_VERSION
    for plan, result in dev_extractions:
        assert result.status == "ok", (plan["doc"], result.reason)
        catalog.validate("pages", result.pages)
        catalog.validate("blocks", result.blocks)
        catalog.validate("errors", result.errors)
        assert list(result.pages.page) == list(range(1, result.n_pages + 1))
        assert set(result.blocks.kind) <= set(catalog.BLOCK_KINDS)
        assert list(result.blocks.block_id) == list(range(len(result.blocks)))
        assert (result.blocks.x0 <= result.blocks.x1).all() and (result.blocks.top <= result.blocks.bottom).all()


def test_priorities_come_out_unbroken_and_in_order(dev_extractions):
    for plan, result in dev_extractions:
        blocks = [_squash(text) for text in result.blocks.text]
        for priority in plan["priorities"]:
            assert any(_squash(priority) in text for text in blocks), (plan["doc"], priority)
        if plan["plan"] not in LISTED:
            continue
        structured = result.blocks[result.blocks.kind.isin(["list_item", "heading"])]
        texts = [_squash(text) for text in structured.text]
        positions = []
        for priority in plan["priorities"]:
            hits = [i for i, text in enumerate(texts) if _squash(priority) in text and i >= (positions or [0])[-1]]
            assert hits, (plan["doc"], priority)
            positions.append(hits[0])
        assert positions == sorted(positions), plan["doc"]


def test_running_headers_footers_and_page_numbers_are_gone(dev_extractions):
    for plan, result in dev_extractions:
        for page in result.pages.itertuples():
            lines = page.text.split("\n")
            assert not any(re.fullmatch(r"(pagina )?\d{1,3}", line.strip()) for line in lines), (plan["doc"], page.page)
        # The running header carries the plan's title; it must not open every page any more.
        first_lines = [page.text.split("\n")[0] for page in result.pages.itertuples() if page.text]
        assert len(first_lines) < 3 or len(set(first_lines)) > 1, plan["doc"]


def test_two_column_pages_read_column_by_column(dev_extractions):
    medemblik = dict((plan["plan"], result) for plan, result in dev_extractions)["medemblik_2023-2026"]
    text = _squash(" ".join(medemblik.blocks.text))
    # The sentence wraps from the left column into the right one; interleaving would split it.
    assert "Dit integraal veiligheidsplan beschrijft hoe de gemeente de komende jaren" in text
    assert text.index("Veilig verkeer, veilige woonomgeving") < text.index("Ondermijning;") \
        < text.index("Cybercrime, digitale misdaad") < text.index("Veiligheidsbeeld")


def test_hyphenation_is_undone_in_designed_layouts(dev_extractions):
    for plan, result in dev_extractions:
        if plan["layout"] == "designed":
            text = " ".join(result.blocks.text)
            assert "woninginbraken" in text and "woninginbra-" not in text, plan["doc"]


def _pdf_with_lines(path, lines):
    """A one-page PDF in Helvetica 10 pt, 14 pt leading: (x, text) per line, top to bottom."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica", 10)
    y = 780
    for x, text in lines:
        c.drawString(x, y, text)
        y -= 14
    c.save()
    return path


def test_text_after_a_list_is_not_part_of_its_last_item(tmp_path):
    wide = "en de gemeente werkt daarvoor samen met de politie, het Openbaar Ministerie en vele"
    lines = [
        (72, "De gemeente kiest voor drie onderwerpen:"),
        (72, "• Veilige wijken"),
        (72, "• Aanpak van ondermijnende criminaliteit"),   # a short line: the item is complete
        (72, "Deze keuze volgt uit de veiligheidsanalyse van het afgelopen jaar."),
        (72, "Daarnaast geldt:"),
        (72, "1. Een lange eerste prioriteit die over twee regels loopt"),
        (86, "met een hangende inspringing op de tweede regel."),
        (72, "Zo blijft het overzichtelijk voor de raad."),
        (72, "• Een lang punt " + wide),
        (72, "andere partners, zonder inspringing doorlopend."),  # a wrapped item without a hanging indent
    ]
    result = extract_document(_pdf_with_lines(tmp_path / "lijst.pdf", lines), "lijst")
    assert [(b.kind, b.text) for b in result.blocks.itertuples()] == [
        ("paragraph", "De gemeente kiest voor drie onderwerpen:"),
        ("list_item", "• Veilige wijken"),
        ("list_item", "• Aanpak van ondermijnende criminaliteit"),
        ("paragraph", "Deze keuze volgt uit de veiligheidsanalyse van het afgelopen jaar. Daarnaast geldt:"),
        ("list_item", "1. Een lange eerste prioriteit die over twee regels loopt met een hangende inspringing op de tweede regel."),
        ("paragraph", "Zo blijft het overzichtelijk voor de raad."),
        ("list_item", f"• Een lang punt {wide} andere partners, zonder inspringing doorlopend."),
    ]


def test_a_marker_at_the_foot_of_a_column_keeps_its_item_from_the_next_column_not_the_next_heading(tmp_path):
    """Two columns: the list's third marker ends the left column, its text opens the right one,
    and the next chapter's heading stands below the left column."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from ivpcorpus.speerpunten import find_speerpunten

    left = [f"Inleidende tekst over het plan, regel {i}." for i in range(1, 9)] + \
        ["De raad heeft vier prioriteiten", "gekozen. Die prioriteiten zijn:", "• a. veilige en leefbare wijken;",
         "• b. minder woninginbraken;", "• c."]
    right = ["aanpak van ondermijnende criminaliteit;", "• d. zorg en veiligheid.", "Met deze keuze sluit het plan aan",
             "bij wat inwoners en partners", "in de gesprekken hebben gezegd."]
    path = tmp_path / "kolommen.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica", 10)
    for x, lines in ((72, left), (320, right)):
        for i, text in enumerate(lines):
            c.drawString(x, 780 - 14 * i, text)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(72, 780 - 14 * len(left) - 20, "Veiligheidsbeeld")
    c.save()
    result = extract_document(path, "kolommen")
    blocks = list(result.blocks.itertuples())
    assert (blocks[-1].kind, blocks[-1].text) == ("heading", "Veiligheidsbeeld")
    assert not any("Veiligheidsbeeld" in b.text for b in blocks[:-1])
    documents = catalog.empty("documents").astype({"pages": "int64"})
    documents.loc[0] = {**{col: "" for col in documents.columns}, "doc_id": "kolommen", "source_file": "kolommen.pdf",
                        "format": "pdf", "pages": 1, "status": "ok", "ocr_pages": 0}
    items = find_speerpunten(documents.astype({"pages": "int64", "ocr_pages": "int64"}), result.blocks).items
    assert items["text"].tolist() == ["veilige en leefbare wijken", "minder woninginbraken",
                                      "aanpak van ondermijnende criminaliteit", "zorg en veiligheid"]
