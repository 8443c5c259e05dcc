"""Plain-text rules: line shapes, de-hyphenation, and blocks_from_text on real plan excerpts."""

from __future__ import annotations

import json

import pytest

from ivpcorpus import catalog
from ivpcorpus.extract import blocks_from_text
from ivpcorpus.extract.text import join_lines, line_shape, normalize, unmapped_share, word_counts


@pytest.mark.parametrize(("first", "second", "expected"), [
    ("het veiligheids-", "beleid van de gemeente", "het veiligheidsbeleid van de gemeente"),
    ("samen met jeugd-", "en zorgpartners", "samen met jeugd- en zorgpartners"),
    ("de gemeente Súdwest-", "Fryslân werkt", "de gemeente Súdwest-Fryslân werkt"),
    ("stuur een e-", "mail naar", "stuur een e-mail naar"),
    ("de aanpak van ex-", "gedetineerden", "de aanpak van ex-gedetineerden"),
    ("een gewone", "zin", "een gewone zin"),
    ("zacht\u00ad", "afbreken", "zachtafbreken"),
])
def test_join_lines_undoes_only_typesetting_hyphens(first, second, expected):
    assert join_lines(first, second) == expected


def test_join_lines_follows_the_documents_own_spelling():
    vocabulary = word_counts("De buurt-preventie werkt. Wij steunen buurt-preventie en woninginbraak.")
    assert join_lines("de buurt-", "preventie", vocabulary) == "de buurt-preventie"
    assert join_lines("de woning-", "inbraak", vocabulary) == "de woninginbraak"


@pytest.mark.parametrize(("line", "kind", "level"), [
    ("3. Prioriteiten", "heading", 1),
    ("3.2 Ondermijning", "heading", 2),
    ("Hoofdstuk 4 Uitvoering", "heading", 1),
    ("Prioriteit 1: Veilige en leefbare kernen", "heading", 2),
    ("• Ondermijning", "list_item", 1),
    ("– jeugdoverlast", "list_item", 2),
    ("a. de aanpak van ondermijnende criminaliteit;", "list_item", 2),
    ("1) zorg en veiligheid", "list_item", 1),
    ("1. de aanpak van ondermijnende criminaliteit;", "list_item", 1),
    ("5.1 Verkeersveiligheid 12", "list_item", 2),
    ("Bijlage 2: Standaardtermijnen 22", "list_item", 1),
    ("Dit is een gewone zin.", None, 0),
])
def test_line_shape(line, kind, level):
    shape = line_shape(line)
    assert (shape.kind, shape.level) == (kind, level)


def test_normalize_and_unmapped_glyphs():
    assert normalize("ef\ufb01ci\u00ebnt\u00a0beleid\u200b") == "efficiënt beleid"
    assert unmapped_share("\ufffd\ufffd ab") == 0.5
    assert unmapped_share("(cid:12)(cid:13)") == 1.0
    assert unmapped_share("gewone tekst") == 0.0


def test_blocks_from_text_structure():
    text = ("Integraal Veiligheidsplan 2022-2026\n\n5. Prioriteiten\n\nWe kiezen drie prioriteiten:\n"
            "• Verkeersveiligheid\n• Integrale wijkaanpak\n• Ondermijning\n\nDe aanpak van het veiligheids-\n"
            "beleid wordt jaarlijks\ngeëvalueerd.\n\n12\n")
    blocks = catalog.validate("blocks", blocks_from_text("d1", text, page=3))
    rows = list(zip(blocks.kind, blocks.level, blocks.text))
    assert rows == [
        ("heading", 2, "Integraal Veiligheidsplan 2022-2026"),
        ("heading", 1, "5. Prioriteiten"),
        ("paragraph", 0, "We kiezen drie prioriteiten:"),
        ("list_item", 1, "• Verkeersveiligheid"),
        ("list_item", 1, "• Integrale wijkaanpak"),
        ("list_item", 1, "• Ondermijning"),
        ("paragraph", 0, "De aanpak van het veiligheidsbeleid wordt jaarlijks geëvalueerd."),
    ]
    assert set(blocks.page) == {3} and list(blocks.block_id) == list(range(len(blocks)))


def test_blocks_from_text_empty():
    assert blocks_from_text("d1", "  \n\n").empty


def test_blocks_from_text_on_real_excerpts(shared_dir):
    """Every stated priority in a real excerpt that numbers its chapters comes out as one block."""
    text = json.loads((shared_dir / "dev/texts/papendrecht_2022-2026.json").read_text())
    blocks = blocks_from_text("papendrecht", text["text"])
    toc = blocks[blocks.kind == "list_item"].text.tolist()
    for priority in text["stated_priorities"]:
        assert any(line.split(" ", 1)[1].rsplit(" ", 1)[0] == priority for line in toc), priority
    assert "1. Inleiding" in blocks[blocks.kind == "heading"].text.tolist()
    for path in sorted((shared_dir / "dev/texts").glob("*.json")):
        blocks = catalog.validate("blocks", blocks_from_text(path.stem, json.loads(path.read_text())["text"]))
        assert len(blocks) > 0, path.name
