"""PDF extraction on the development PDFs (three real layouts with gold priorities)."""

from __future__ import annotations

import json
import re

import pytest

from ivpcorpus import schemas
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
        schemas.validate("pages", result.pages)
        schemas.validate("blocks", result.blocks)
        schemas.validate("errors", result.errors)
        assert list(result.pages.page) == list(range(1, result.n_pages + 1))
        assert set(result.blocks.kind) <= set(schemas.BLOCK_KINDS)
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
