"""The synthetic demo corpus: spread, label validity, reproducibility, the committed copy."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pypdfium2
import pytest

from ivpcorpus.codebook import load_codebook
from ivpcorpus.demo.compose import compose_plan
from ivpcorpus.demo.corpus import GROUND_TRUTH, entry, generate_corpus, pdf_page_texts, plan_files, render_plan
from ivpcorpus.demo.model import SYNTHETIC_MARKER, load_phrase_bank
from ivpcorpus.demo.roster import build_roster
from ivpcorpus.registry import load_registry

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "corpus" / "demo"


def _letters(text: str) -> str:
    return re.sub(r"[\s\-\u00ad\u2010\ufffe]+", "", text).lower()


@pytest.fixture(scope="module")
def roster():
    return build_roster(load_registry(), 42, 64)


@pytest.fixture(scope="module")
def committed() -> list[dict]:
    path = COMMITTED / GROUND_TRUTH
    if not path.exists():
        pytest.skip("corpus/demo is not generated (run `make demo-corpus`)")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """The same small corpus written twice into separate folders."""
    a, b = tmp_path_factory.mktemp("run_a"), tmp_path_factory.mktemp("run_b")
    return a, generate_corpus(a, seed=7, n_plans=5), b, generate_corpus(b, seed=7, n_plans=5)


# -- the plan set (cheap: no rendering) -------------------------------------------------------
def test_roster_spreads_over_groups_joint_plans_and_periods(roster):
    registry = load_registry()
    assert len(roster) == 64
    g4 = set(registry.municipalities.index[registry.municipalities["group"] == "G4"])
    codes_by_group = {g: {c for p in roster for c, pg in zip(p.codes, p.groups) if pg == g} for g in ("G40", "P10")}
    assert g4 <= {c for p in roster for c in p.codes}
    assert len(codes_by_group["G40"]) >= 12 and len(codes_by_group["P10"]) >= 10
    joint = [p for p in roster if p.joint]
    assert len(joint) >= 6 and {"BUCH-gemeenten", "Heuvelland"} <= {p.name for p in joint}
    assert all(len(p.codes) >= 2 for p in joint)
    pre = [p for p in roster if p.pre_merger]
    assert len(pre) >= 2
    for plan in pre:  # the old name maps to the code of the merged gemeente
        assert plan.codes[0] in registry.codes and registry.name(plan.codes[0]) != plan.name
    plans_per_code = Counter(p.codes for p in roster if not p.joint)
    twice = [codes for codes, n in plans_per_code.items() if n == 2]
    assert len(twice) >= 5
    assert {p.period for p in roster if p.codes in twice} == {"2019-2022", "2023-2026"}
    assert len({p.period for p in roster}) >= 5
    assert len({p.slug for p in roster}) == len(roster)


def test_roster_mixes_formats_producers_and_priority_forms(roster):
    assert Counter(p.format for p in roster) == {"pdf": 60, "html": 2, "docx": 2}
    assert {p.producer for p in roster if p.format == "pdf"} == {"reportlab", "weasyprint"}
    forms = Counter(p.priority_form for p in roster)
    assert {"numbered_list", "bullets", "nested_list", "heading", "table", "sentence"} <= set(forms)
    assert forms["chapters"] == 3 and forms["none"] == 2


def test_roster_depends_on_the_seed(roster):
    again = build_roster(load_registry(), 42, 64)
    other = build_roster(load_registry(), 43, 64)
    assert again == roster
    assert [p.slug for p in other] != [p.slug for p in roster]


def test_composed_plans_state_their_items_with_codebook_labels(roster):
    codebook, bank = load_codebook(), load_phrase_bank()
    for spec in roster:
        _, items = compose_plan(spec, bank, codebook)
        priorities = [i for i in items if i.level == "prioriteit"]
        if spec.priority_form == "none":
            assert items == []
        else:
            assert 3 <= len(priorities) <= 6
            assert len(items) - len(priorities) <= 5
        for item in items:
            assert item.thema in codebook.theme_ids
            assert set(item.also) <= set(codebook.theme_ids) and item.thema not in item.also
            assert set(item.landelijke_prioriteiten) <= set(codebook.lp_ids)
            assert "{" not in item.text


# -- reproducibility (small corpus, rendered twice) -------------------------------------------
def test_same_seed_gives_same_ground_truth_and_files(two_runs):
    dir_a, truth_a, dir_b, truth_b = two_runs
    assert truth_a == truth_b
    assert (dir_a / GROUND_TRUTH).read_bytes() == (dir_b / GROUND_TRUTH).read_bytes()
    docs = [e["doc"] for e in truth_a if e["format"] == "pdf" and e["expected"] == "document"]
    assert docs
    for doc in docs:
        assert pdf_page_texts(dir_a / doc) == pdf_page_texts(dir_b / doc)
    # Byte-identical output is the aim for every format (fixed metadata and zip times).
    for e in truth_a:
        assert (dir_a / e["doc"]).read_bytes() == (dir_b / e["doc"]).read_bytes(), e["doc"]


def test_every_pdf_page_says_it_is_synthetic(two_runs):
    dir_a, truth, _, _ = two_runs
    pdfs = [e["doc"] for e in truth if e["format"] == "pdf" and e["expected"] == "document"]
    for doc in pdfs:
        texts = pdf_page_texts(dir_a / doc)
        assert len(texts) >= 4
        assert all(SYNTHETIC_MARKER in t for t in texts), doc
    for e in truth:
        if e["format"] == "html":
            assert SYNTHETIC_MARKER in (dir_a / e["doc"]).read_text(encoding="utf-8")


def test_item_pages_show_the_item(two_runs):
    dir_a, truth, _, _ = two_runs
    for e in truth:
        if e["format"] != "pdf" or e["expected"] != "document":
            continue
        texts = pdf_page_texts(dir_a / e["doc"])
        for item in e["items"]:
            # a PDF's text layer breaks lines and hyphenates (U+2010, or U+FFFE from pdfium)
            assert _letters(item["text"]) in _letters(texts[item["page"] - 1]), (e["doc"], item)


def test_damaged_and_foreign_files_are_recorded(two_runs):
    dir_a, truth, _, _ = two_runs
    by_expected = {x: [e["doc"] for e in truth if e["expected"] == x] for x in ("error", "ignored")}
    assert sorted(by_expected["ignored"]) == ["logo.png", "notities.txt"]
    (damaged,) = by_expected["error"]
    with pytest.raises(pypdfium2.PdfiumError):
        pypdfium2.PdfDocument(str(dir_a / damaged))


# -- the committed corpus --------------------------------------------------------------------
def test_committed_ground_truth_uses_registry_and_codebook(committed):
    registry, codebook = load_registry(), load_codebook()
    for e in committed:
        assert (COMMITTED / e["doc"]).exists(), e["doc"]
        assert set(e["gemeentecodes"]) <= set(registry.codes)
        assert e["priorities"] == [i["text"] for i in e["items"] if i["level"] == "prioriteit"]
        assert e["other_themes"] == [i["text"] for i in e["items"] if i["level"] == "overig_thema"]
        for item in e["items"]:
            assert item["thema"] in codebook.theme_ids
            assert set(item["also"]) <= set(codebook.theme_ids)
            assert set(item["landelijke_prioriteiten"]) <= set(codebook.lp_ids)
            assert (item["page"] is None) == (e["format"] != "pdf")
    assert sum(f.stat().st_size for f in COMMITTED.iterdir()) < 8_000_000


def test_committed_corpus_matches_the_generator(committed, tmp_path):
    """The committed ground truth is what the generator makes for the recorded seed.

    Content is checked for every plan without rendering (pages aside); three plans, one per
    producer, are rendered again and must give the same bytes and pages.
    """
    seed, n_plans = committed[0]["seed"], committed[0]["plans_in_corpus"]
    by_doc = {e["doc"]: e for e in committed}
    codebook, bank = load_codebook(), load_phrase_bank()
    files = plan_files(build_roster(load_registry(), seed, n_plans), seed)
    assert {name for _, name in files} == {e["doc"] for e in committed if e["expected"] == "document"}

    def without_pages(e: dict) -> dict:
        return {**e, "items": [{**i, "page": None} for i in e["items"]]}

    for spec, name in files:
        _, items = compose_plan(spec, bank, codebook)
        assert without_pages(entry(spec, name, items, "document", "", seed, n_plans)) == without_pages(by_doc[name])
    rerender = {}
    for spec, name in files:
        rerender.setdefault(spec.producer, (spec, name))
    for producer in ("reportlab", "weasyprint", "python-docx"):
        spec, name = rerender[producer]
        items = render_plan(spec, tmp_path / name)
        assert [i.page for i in items] == [i["page"] for i in by_doc[name]["items"]]
        assert (tmp_path / name).read_bytes() == (COMMITTED / name).read_bytes(), name
