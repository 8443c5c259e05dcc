"""OCR of scanned PDF pages: a demo plan printed to page images comes back with its priorities.

The scan is made here from a demo plan with a known ground truth: every page rendered to a
grayscale image at 200 dpi (a common scanner setting) and the images put into a PDF without any
text layer. Reading it needs Debian's tesseract with Dutch data (`make test` installs it when
root); without it the OCR test skips and the page is flagged as needing OCR.
"""

from __future__ import annotations

import json

import pandas as pd
import pypdfium2 as pdfium
import pytest

from ivpcorpus import catalog
from ivpcorpus.evaluate_speerpunten import count_matches
from ivpcorpus.extract import extract_document, extract_many, ocr
from ivpcorpus.speerpunten import find_speerpunten

PLAN = "IVP Lelystad 2020-2023.pdf"  # two columns, its priorities in a table with wrapped cells
SCAN_DPI = 200

needs_tesseract = pytest.mark.skipif(not ocr.available(),
                                     reason="tesseract with Dutch data (tesseract-ocr-nld) is not installed")


@pytest.fixture(scope="module")
def demo_plan(repo_dir):
    truth = {entry["doc"]: entry for entry in json.loads((repo_dir / "corpus/demo/ground_truth.json").read_text())}
    return repo_dir / "corpus/demo" / PLAN, truth[PLAN]


@pytest.fixture(scope="module")
def scan(demo_plan, tmp_path_factory):
    source, _ = demo_plan
    document = pdfium.PdfDocument(source)
    images = [document[i].render(scale=SCAN_DPI / 72, grayscale=True).to_pil() for i in range(len(document))]
    document.close()
    path = tmp_path_factory.mktemp("scan") / "scan.pdf"
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=SCAN_DPI)
    scanned = pdfium.PdfDocument(path)
    assert all(scanned[i].get_textpage().count_chars() == 0 for i in range(len(scanned)))  # image-only
    scanned.close()
    return path


def _documents(result) -> pd.DataFrame:
    return pd.DataFrame([{"doc_id": result.doc_id, "source_file": result.source_file, "path": result.source_file,
                          "sha256": "", "format": "pdf", "pages": result.n_pages, "title": result.title or "",
                          "municipalities": "GM0995", "period": "2020-2023", "status": result.status,
                          "reason": result.reason, "ocr_pages": result.ocr_pages}])


@pytest.mark.slow
@needs_tesseract
def test_a_scanned_plan_comes_back_with_its_priorities(scan, demo_plan):
    _, truth = demo_plan
    result = extract_document(scan, "scan")
    catalog.validate("blocks", result.blocks)
    assert result.ocr_pages == result.n_pages == 5
    assert (result.pages["quality"] == "ok").all()
    assert result.blocks["ocr"].all() and result.blocks[["x0", "top", "x1", "bottom"]].notna().all().all()
    assert "5 van 5 pagina's met OCR gelezen" in result.reason
    # the same kinds of blocks as from a text layer: numbered chapters, a table, bullets
    kinds = set(result.blocks["kind"])
    assert {"heading", "paragraph", "list_item", "table_row"} <= kinds
    assert "4 Speerpunten" in result.blocks.loc[result.blocks["kind"] == "heading", "text"].tolist()

    items = find_speerpunten(_documents(result), result.blocks).items
    found = items[items["level"] == "prioriteit"]
    assert count_matches(found["text"].tolist(), truth["priorities"]) == len(truth["priorities"])
    assert set(found["page"]) == {item["page"] for item in truth["items"] if item["level"] == "prioriteit"}


@pytest.mark.slow
@needs_tesseract
def test_the_time_limit_still_stops_a_long_scan(scan):
    """OCR takes seconds per page; a worker over its limit is killed with its tesseract."""
    [result] = extract_many([("scan", scan)], workers=1, timeout_s=1)
    assert result.status == "error" and "afgebroken" in result.reason


def test_without_tesseract_scanned_pages_are_flagged(monkeypatch, scan):
    monkeypatch.setattr(ocr, "available", lambda: False)
    result = extract_document(scan, "scan")
    assert result.status == "warning" and result.n_pages == 5 and result.ocr_pages == 0
    assert (result.pages["quality"] == "needs_ocr").all() and result.blocks.empty
    assert "5 van 5 pagina's zonder tekstlaag (scan): OCR nodig" in result.reason
    assert "niet geïnstalleerd" in result.reason


def test_text_layer_and_markup_blocks_are_not_ocr(repo_dir, tmp_path):
    text_layer = extract_document(repo_dir / "corpus/demo" / PLAN, "text")
    assert text_layer.ocr_pages == 0 and len(text_layer.blocks) and not text_layer.blocks["ocr"].any()
    html = tmp_path / "plan.html"
    html.write_text("<html><body><h1>Veiligheidsplan</h1><ul><li>Ondermijning</li></ul></body></html>",
                    encoding="utf-8")
    markup = extract_document(html, "html")
    assert len(markup.blocks) and not markup.blocks["ocr"].any() and markup.ocr_pages == 0
