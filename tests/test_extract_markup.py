"""HTML (official publication pages) and DOCX into the block structure."""

from __future__ import annotations

import docx

from ivpcorpus import catalog
from ivpcorpus.extract import extract_document

PUBLICATION = """<html><head><title>Integraal Veiligheidsplan 2023-2026 | Lokale wet- en regelgeving</title></head>
<body><nav class="menu"><a>Home</a><a>Zoeken</a></nav>
<div id="content"><div class="wetgeving">
<p>Ziet u een fout in deze regeling? Meld het ons op regelgeving@overheid.nl!</p>
<h1>Integraal Veiligheidsplan 2023-2026</h1>
<h2>3. Prioriteiten</h2><p>De raad kiest de volgende prioriteiten:</p>
<ul><li>Ondermijning</li><li>Jeugd en veiligheid<ul><li>jeugdoverlast</li></ul></li></ul>
<table><tr><th>Thema</th><th>Budget</th></tr><tr><td>Ondermijning</td><td>€ 95.000</td></tr></table>
</div></div><footer>Over deze site</footer></body></html>"""


def test_html_publication_page(tmp_path):
    path = tmp_path / "gmb-2023-1.html"
    path.write_text(PUBLICATION, encoding="utf-8")
    result = extract_document(path, "h1")
    assert result.status == "ok" and result.n_pages == 1
    rows = list(zip(result.blocks.kind, result.blocks.level, result.blocks.text))
    assert rows == [
        ("heading", 1, "Integraal Veiligheidsplan 2023-2026"),
        ("heading", 2, "3. Prioriteiten"),
        ("paragraph", 0, "De raad kiest de volgende prioriteiten:"),
        ("list_item", 1, "Ondermijning"),
        ("list_item", 1, "Jeugd en veiligheid"),
        ("list_item", 2, "jeugdoverlast"),
        ("table_row", 0, "Thema | Budget"),
        ("table_row", 0, "Ondermijning | € 95.000"),
    ]
    assert result.title.startswith("Integraal Veiligheidsplan")
    catalog.validate("pages", result.pages)


def test_docx_styles_lists_and_tables(tmp_path):
    document = docx.Document()
    document.core_properties.title = "IVP Opmeer"
    document.add_heading("Prioriteiten", level=1)
    document.add_paragraph("Wij kiezen voor:")
    document.add_paragraph("Veilige woon- en leefomgeving", style="List Bullet")
    document.add_paragraph("Ondermijning", style="List Number")
    document.add_heading("Aanpak", level=2)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Thema", "Partner"
    path = tmp_path / "ivp.docx"
    document.save(path)
    result = extract_document(path, "d1")
    rows = list(zip(result.blocks.kind, result.blocks.level, result.blocks.text))
    assert rows == [("heading", 1, "Prioriteiten"), ("paragraph", 0, "Wij kiezen voor:"),
                    ("list_item", 1, "Veilige woon- en leefomgeving"), ("list_item", 1, "Ondermijning"),
                    ("heading", 2, "Aanpak"), ("table_row", 0, "Thema | Partner")]
    assert result.title == "IVP Opmeer"


def test_broken_docx_is_an_error_not_a_crash(tmp_path):
    path = tmp_path / "kapot.docx"
    path.write_bytes(b"PK\x03\x04 geen zip")
    result = extract_document(path, "x")
    assert result.status == "error" and "Word" in result.reason
