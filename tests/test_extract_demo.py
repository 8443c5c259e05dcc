"""Extraction over the committed synthetic demo corpus (`corpus/demo/`), checked against its ground truth.

One `extract_many` run (module fixture) over every file in the ground truth; the tests measure
per producer/layout and form how many ground-truth items come out intact in one block of the
right kind on the right page, and check running-line removal, de-hyphenation and the reading
order of two-column pages. Measured rates are printed (`pytest -s`) and repeated in every
assertion message.

Known gap (table threshold): some tables are still not gathered into whole rows
(goeree-overflakkee p8, Venlo p4, middelburg p8, hilversum p5, Opsterland p4; causes not yet
investigated); 39 of 50 table items come out intact.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from ivpcorpus.demo.model import SYNTHETIC_MARKER
from ivpcorpus.extract import extract_many

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "corpus" / "demo"
PHRASES = REPO / "src" / "ivpcorpus" / "demo" / "phrases.yaml"

# The block kind a ground-truth item of each form must come out as.
FORM_KIND = {"numbered_list": "list_item", "bullets": "list_item", "nested_list": "list_item",
             "heading": "heading", "chapters": "heading", "table": "table_row", "sentence": "paragraph"}
LIST_FORMS = ("numbered_list", "bullets", "nested_list", "table")
# Minimum share of items found intact, per form (set just below the measured rates).
FORM_THRESHOLD = {"numbered_list": 0.95, "bullets": 0.97, "nested_list": 0.97, "heading": 0.95, "chapters": 0.95,
                  "table": 0.75, "sentence": 0.97}  # table: 39/50 measured, see the docstring
PRODUCER_THRESHOLD = 0.93
OVERALL_THRESHOLD = 0.96
HEADER = re.compile(r"Integraal Veiligheidsplan \d{4}\s*-\s*\d{4} \|")
PAGE_LABEL = re.compile(r"^\s*(?:pagina\s*)?-?\s*\d{1,3}\s*-?\s*$", re.IGNORECASE)
# A word broken by a line-end hyphen: "veiligheids- beleid". Real compounds continue with a conjunction.
BROKEN_WORD = re.compile(r"\b([^\W\d_]*[a-zà-ÿ])-\s+([a-zà-ÿ][^\W\d_]*)")
KEEP_AFTER_HYPHEN = {"en", "of", "tot", "als", "noch", "dan"}


def fold(text: str) -> str:
    """Whitespace and case folded, trailing ';' '.' ',' ignored."""
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip().lower().rstrip(";.,").rstrip()


def rate(hits: int, total: int) -> float:
    return hits / total if total else 1.0


@pytest.fixture(scope="module")
def ground_truth() -> list[dict]:
    path = DEMO / "ground_truth.json"
    if not path.exists():
        pytest.skip("corpus/demo is not generated (run `make demo-corpus`)")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def extracted(ground_truth):
    jobs = [(entry["doc"], DEMO / entry["doc"]) for entry in ground_truth]
    return {result.doc_id: result for result in extract_many(jobs, workers=2)}


@pytest.fixture(scope="module")
def documents(ground_truth, extracted):
    """(ground-truth entry, extraction) for every file that is a document."""
    return [(entry, extracted[entry["doc"]]) for entry in ground_truth if entry["expected"] == "document"]


def candidates(blocks, item: dict) -> list[int]:
    """Row positions of the blocks of the item's kind on its page that hold its text intact,
    closest matches first (a block that is just the item before one that mentions it in passing)."""
    wanted, kind = fold(item["text"]), FORM_KIND[item["form"]]
    found = []
    for position, (page, block_kind, text) in enumerate(zip(blocks.page, blocks.kind, blocks.text)):
        if (item["page"] is None or page == item["page"]) and block_kind == kind and wanted in fold(text):
            found.append((len(fold(text)) - len(wanted), position))
    return [position for _extra, position in sorted(found)]


def find_item(blocks, item: dict) -> int | None:
    found = candidates(blocks, item)
    return found[0] if found else None


@pytest.fixture(scope="module")
def item_hits(documents):
    """Per item: (producer, layout, form, doc, text, found block index or None)."""
    rows = []
    for entry, result in documents:
        blocks = result.blocks.reset_index(drop=True)
        for item in entry["items"]:
            rows.append((entry["producer"], entry["layout"], item["form"], entry["doc"], item, find_item(blocks, item)))
    return rows


def _rates(rows, key) -> dict:
    totals, hits = defaultdict(int), defaultdict(int)
    for row in rows:
        totals[key(row)] += 1
        hits[key(row)] += row[5] is not None
    return {k: (hits[k], totals[k], rate(hits[k], totals[k])) for k in sorted(totals)}


def _report(title: str, rates: dict) -> str:
    lines = [title] + [f"  {k}: {h}/{t} = {r:.3f}" for k, (h, t, r) in rates.items()]
    return "\n".join(lines)


# -- status ---------------------------------------------------------------------------------
def test_every_file_gets_the_expected_status(ground_truth, extracted):
    assert set(extracted) == {entry["doc"] for entry in ground_truth}
    for entry in ground_truth:
        result = extracted[entry["doc"]]
        if entry["expected"] == "document":
            assert result.status in ("ok", "warning"), (entry["doc"], result.status, result.reason)
            assert len(result.blocks) > 20, entry["doc"]
            continue
        # expected "error" (a truncated PDF) and "ignored" (not a document format): an error with a plain reason
        assert result.status == "error", entry["doc"]
        assert result.reason.strip() and "\n" not in result.reason and "Traceback" not in result.reason
        assert len(result.reason) < 300 and result.blocks.empty and result.pages.empty
        assert list(result.errors.reason) == [result.reason]
    errors = [e for e in ground_truth if e["expected"] == "error"]
    assert errors and all("PDF" in extracted[e["doc"]].reason for e in errors)


# -- ground-truth items ---------------------------------------------------------------------
def test_items_found_intact_per_form(item_hits):
    by_form = _rates(item_hits, lambda row: row[2])
    by_producer_form = _rates(item_hits, lambda row: f"{row[0]}/{row[1]}/{row[2]}")
    report = _report("items found per form", by_form) + "\n" + _report("per producer/layout/form", by_producer_form)
    print("\n" + report)
    misses = [f"{row[3]} p{row[4]['page']} {row[2]}: {row[4]['text']!r}" for row in item_hits if row[5] is None]
    for form, (hits, total, share) in by_form.items():
        assert share >= FORM_THRESHOLD[form], f"{form}: {hits}/{total} = {share:.3f}\n{report}\nmissed:\n" + "\n".join(misses)


def test_items_found_intact_per_producer_and_overall(item_hits):
    by_producer = _rates(item_hits, lambda row: f"{row[0]}/{row[1]}")
    overall = _rates(item_hits, lambda row: "all")
    report = _report("items found per producer/layout", by_producer) + "\n" + _report("overall", overall)
    print("\n" + report)
    for producer, (hits, total, share) in by_producer.items():
        assert share >= PRODUCER_THRESHOLD, f"{producer}: {hits}/{total} = {share:.3f}\n{report}"
    assert overall["all"][2] >= OVERALL_THRESHOLD, report


# -- running headers, footers and page numbers ----------------------------------------------
def test_no_running_header_footer_or_page_number_in_the_body(documents):
    residue = []
    n_checked = 0
    for entry, result in documents:
        body = result.blocks[result.blocks.page > 1]
        n_checked += len(body)
        for page, text in zip(body.page, body.text):
            if SYNTHETIC_MARKER.split(" –")[0] in text.upper() or HEADER.search(text) or PAGE_LABEL.match(text):
                residue.append(f"{entry['doc']} p{page}: {text[:80]!r}")
    print(f"\nrunning-line residue: {len(residue)} of {n_checked} body blocks")
    assert n_checked > 1000
    assert not residue, "\n".join(residue[:30])


# -- hyphenation ----------------------------------------------------------------------------
def _compounds() -> tuple[list[tuple[str, str, str]], set[str]]:
    """From the generator's phrase bank: 'woon- en leefomgeving' as (head, conjunction, tail),
    and words written with a hyphen inside ('ex-gedetineerden')."""
    text = PHRASES.read_text(encoding="utf-8")
    suspended = sorted({(m[0].lower(), m[1], m[2].lower())
                        for m in re.findall(r"([^\W\d_]+)-,? (en|of) ([^\W\d_]+)", text)})
    hyphenated = {w.lower() for w in re.findall(r"\b[^\W\d_]{2,}-[^\W\d_]{2,}\b", text)}
    return suspended, hyphenated


def test_no_word_broken_by_a_line_end_hyphen(documents):
    broken = []
    n_blocks = 0
    for entry, result in documents:
        for page, text in zip(result.blocks.page, result.blocks.text):
            n_blocks += 1
            assert "\u00ad" not in text and "\u2010" not in text
            for match in BROKEN_WORD.finditer(text):
                if match.group(2) not in KEEP_AFTER_HYPHEN:
                    broken.append(f"{entry['doc']} p{page}: ...{text[max(match.start() - 30, 0):match.end() + 30]!r}")
    print(f"\nwords broken by a hyphen: {len(broken)} in {n_blocks} blocks")
    assert not broken, "\n".join(broken[:30])


def test_no_word_broken_across_a_column_or_page_break(documents):
    """A word hyphenated at the end of a column or page comes out whole in the first block."""
    broken, n_pairs = [], 0
    for entry, result in documents:
        blocks = result.blocks.reset_index(drop=True)
        for i in range(len(blocks) - 1):
            first, second = blocks.text[i], blocks.text[i + 1]
            n_pairs += blocks.kind[i] in ("paragraph", "list_item")
            if re.search(r"[a-zà-ÿ]-$", first) and second[:1].islower() \
                    and second.split(" ", 1)[0] not in KEEP_AFTER_HYPHEN:
                broken.append(f"{entry['doc']} p{blocks.page[i]}-{blocks.page[i + 1]}: ...{first[-30:]!r} | {second[:30]!r}")
    print(f"\nwords broken across blocks: {len(broken)} in {n_pairs} paragraph pairs")
    assert not broken, "\n".join(broken[:30])


def test_real_compounds_keep_their_hyphen(documents):
    suspended, hyphenated = _compounds()
    assert ("jeugd", "en", "zorgpartners") in suspended and ("zorg", "en", "veiligheidshuis") in suspended
    all_text = "\n".join(fold(text) for _entry, result in documents for text in result.blocks.text)
    lost, kept = [], 0
    for head, conjunction, tail in suspended:
        written = f"{head}- {conjunction} {tail}"
        kept += all_text.count(written)
        for wrong in (f"{head} {conjunction} {tail}", f"{head}{conjunction} {tail}"):
            if re.search(rf"\b{re.escape(wrong)}", all_text):
                lost.append(wrong)
    words = set(re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", all_text))
    for word in hyphenated:
        joined = word.replace("-", "")
        if joined in words and joined not in hyphenated:
            lost.append(joined)
    print(f"\nsuspended compounds kept: {kept}; lost hyphens: {lost}")
    assert kept >= 50, kept
    assert "jeugd- en zorgpartners" in all_text and "zorg- en veiligheidshuis" in all_text
    assert not lost, lost


# -- reading order --------------------------------------------------------------------------
def _lists(entry: dict) -> dict[tuple, list[dict]]:
    """The ground-truth items of one list: same page, form and level, in ground-truth order."""
    lists: dict[tuple, list[dict]] = defaultdict(list)
    for item in entry["items"]:
        if item["form"] in LIST_FORMS and item["page"] is not None:
            lists[(item["page"], item["form"], item["level"])].append(item)
    return {key: items for key, items in lists.items() if len(items) >= 2}


def in_order(options: list[list[int]]) -> list[int]:
    """One block per item, increasing, with the shortest span; the closest matches when no
    increasing choice exists (the item text may also occur in other blocks of the page)."""
    best = None
    for start in options[0]:
        chosen = [start]
        for found in options[1:]:
            later = [p for p in found if p > chosen[-1]]
            if not later:
                break
            chosen.append(min(later))
        if len(chosen) == len(options) and (best is None or chosen[-1] - chosen[0] < best[-1] - best[0]):
            best = chosen
    return best or [found[0] for found in options]


def test_lists_come_out_in_order_and_unbroken(documents):
    """Two-column brochure pages are read column by column: the items of one list come out in
    ground-truth order, with only blocks of the list's own kind between them (no heading or
    paragraph of the other column inserted)."""
    counts = defaultdict(lambda: [0, 0])
    failures = []
    for entry, result in documents:
        blocks = result.blocks.reset_index(drop=True)
        for (page, form, _level), items in _lists(entry).items():
            options = [candidates(blocks, item) for item in items]
            if not all(options):
                continue  # counted by the item tests
            positions = in_order(options)
            between = set(blocks.kind.iloc[min(positions):max(positions) + 1])
            good = positions == sorted(positions) and len(set(positions)) == len(positions) \
                and between <= {FORM_KIND[form]}
            key = f"{entry['producer']}/{entry['layout']}"
            counts[key][0] += good
            counts[key][1] += 1
            if not good:
                failures.append(f"{entry['doc']} p{page} {form}: positions {positions}, kinds between {sorted(between)}")
    report = "\n".join(f"  {k}: {g}/{t} lists in order" for k, (g, t) in sorted(counts.items()))
    print("\nlists in order and unbroken\n" + report)
    assert counts["weasyprint/designed"][1] >= 10, report
    assert not failures, report + "\n" + "\n".join(failures)
