"""Human review: export a sheet, import corrections, and never lose them."""

from __future__ import annotations

from datetime import datetime, timezone

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from ivpcorpus.classify import default_classifier, label_speerpunten
from ivpcorpus.cli import app
from ivpcorpus.codebook import load_codebook
from ivpcorpus.review import (
    CODEBOOK_SHEET, REVIEW_SHEET, ReviewError, corrections_path, export_review, import_review, load_corrections,
    read_review_sheet,
)
from ivpcorpus.store import Store

TEXTS = ["Ondermijning", "Zorg en veiligheid", "Samen sterk tegen criminaliteit", "Enkhuizen boeit veilig",
         "Woninginbraken", "Digitale veiligheid", "Verkeersveiligheid", "Jeugd en veiligheid"]


@pytest.fixture()
def out_dir(tmp_path, shipped_classifier):
    """A store with a labelled speerpunten table, as a run leaves it."""
    n = len(TEXTS)
    table = pd.DataFrame({
        "item_id": [f"doc{i}#p1" for i in range(n)], "doc_id": [f"doc{i}" for i in range(n)], "source_file": "ivp.pdf",
        "municipalities": "GM0363", "period": "2023-2026", "level": "prioriteit", "text": TEXTS,
        # PDF text can carry control characters that Excel refuses
        "context": ["De raad heeft de volgende zwaartepunten benoemd:\x0c", *[""] * (n - 1)],
        "page": list(range(1, n + 1)), "evidence": "", "confidence": 0.9,
    })
    Store(tmp_path).write("speerpunten", label_speerpunten(table, shipped_classifier, load_codebook()))
    return tmp_path


def fill(sheet_path, rows: dict[str, tuple[str, str, str]]):
    """Fill correctie_* cells of an exported workbook like a researcher would."""
    book = openpyxl.load_workbook(sheet_path)
    sheet = book[REVIEW_SHEET]
    header = [c.value for c in sheet[1]]
    for r in range(2, sheet.max_row + 1):
        item = sheet.cell(r, header.index("item_id") + 1).value
        if item in rows:
            for name, value in zip(("correctie_thema", "correctie_also", "correctie_landelijke_prioriteiten"), rows[item]):
                sheet.cell(r, header.index(name) + 1).value = value
    book.save(sheet_path)


def test_export_selects_least_certain_and_offers_codebook(out_dir):
    xlsx, csv, n = export_review(out_dir, load_codebook(), n_uncertain=3, n_check=2)
    assert n == 5 and xlsx.exists() and csv.exists()
    sheet = read_review_sheet(xlsx)
    labelled = Store(out_dir).read("speerpunten")
    # an item is as certain as the less certain of its thema and its landelijke prioriteiten
    certainty = labelled.set_index("item_id")[["label_confidence", "lp_confidence"]].min(axis=1)
    chosen = certainty[certainty.index.isin(sheet["item_id"].head(3))]
    assert chosen.max() <= certainty.drop(chosen.index).min()
    thema_least = labelled.set_index("item_id").loc[sheet["item_id"].head(3)].eval("label_confidence <= lp_confidence")
    assert list(sheet["reden"].head(3)) == ["onzeker (thema)" if t else "onzeker (landelijke prioriteiten)" for t in thema_least]
    assert list(sheet["reden"].tail(2)) == ["steekproef (zeker)"] * 2
    book = openpyxl.load_workbook(xlsx)
    codes = [row[1] for row in book[CODEBOOK_SHEET].iter_rows(min_row=2, values_only=True)]
    assert "ondermijning" in codes and "maatschappelijke_onrust" in codes
    validations = book[REVIEW_SHEET].data_validations.dataValidation
    assert validations and validations[0].type == "list" and CODEBOOK_SHEET in validations[0].formula1


def test_import_overrides_and_survives_relabelling(out_dir):
    xlsx, _, _ = export_review(out_dir, load_codebook(), n_uncertain=8, n_check=0)
    fill(xlsx, {"doc2#p1": ("veelvoorkomende_criminaliteit", "", ""), "doc3#p1": ("bev_algemeen", "", "mensenhandel")})
    new = import_review(xlsx, out_dir, reviewer="onderzoeker", codebook=load_codebook(), now=datetime(2026, 3, 1, tzinfo=timezone.utc))
    assert len(new) == 2
    stored = Store(out_dir).read("speerpunten").set_index("item_id")
    assert stored.loc["doc3#p1", "thema"] == "bev_algemeen"
    assert stored.loc["doc3#p1", "landelijke_prioriteiten"] == "mensenhandel"
    assert stored.loc["doc3#p1", "label_source"] == "review"

    # a later run retrains (corrections are training data) and relabels: the corrections still win
    corrections = load_corrections(out_dir)
    table = Store(out_dir).read("speerpunten")
    again = label_speerpunten(table, default_classifier(corrections), load_codebook(), corrections).set_index("item_id")
    assert again.loc["doc2#p1", "thema"] == "veelvoorkomende_criminaliteit"
    assert again.loc["doc3#p1", "label_source"] == "review"
    assert again.loc["doc0#p1", "label_source"] == "model"

    # a second review appends: history kept, the latest per item wins
    xlsx2, _, _ = export_review(out_dir, load_codebook(), n_uncertain=0, n_check=0)
    second = xlsx2.with_name("tweede.csv")
    pd.DataFrame({"item_id": ["doc3#p1"], "text": ["Enkhuizen boeit veilig"], "context": [""],
                  "correctie_thema": ["veilig_toerisme_recreatie"], "correctie_also": [""],
                  "correctie_landelijke_prioriteiten": [""], "opmerking": ["toerisme volgens hoofdstuk 3"]}).to_csv(second, index=False)
    import_review(second, out_dir, reviewer="tweede", codebook=load_codebook(), now=datetime(2026, 4, 1, tzinfo=timezone.utc))
    history = load_corrections(out_dir)
    assert len(history) == 3
    assert Store(out_dir).read("speerpunten").set_index("item_id").loc["doc3#p1", "thema"] == "veilig_toerisme_recreatie"


def test_bad_ids_are_named_and_nothing_is_stored(out_dir):
    xlsx, _, _ = export_review(out_dir, load_codebook(), n_uncertain=8, n_check=0)
    fill(xlsx, {"doc2#p1": ("ondermijnig", "", ""), "doc3#p1": ("bev_algemeen", "", "mensenhandl"),
                "doc0#p1": ("ondermijning", "", "")})
    with pytest.raises(ReviewError) as error:
        import_review(xlsx, out_dir, reviewer="x", codebook=load_codebook())
    message = str(error.value)
    assert "ondermijnig" in message and "mensenhandl" in message and "rij " in message
    assert not corrections_path(out_dir).exists()


def test_review_cli(out_dir):
    runner = CliRunner()
    result = runner.invoke(app, ["review", "export", "--out", str(out_dir), "--uncertain", "4", "--check", "1"])
    assert result.exit_code == 0, result.output
    xlsx = next((out_dir / "review").glob("beoordeling-*.xlsx"))
    fill(xlsx, {read_review_sheet(xlsx)["item_id"].iloc[0]: ("overig", "", "")})
    result = runner.invoke(app, ["review", "import", str(xlsx), "--out", str(out_dir), "--reviewer", "jb"])
    assert result.exit_code == 0, result.output
    assert load_corrections(out_dir)["reviewer"].tolist() == ["jb"]

    result = runner.invoke(app, ["review", "export", "--out", str(out_dir / "leeg")])
    assert result.exit_code == 2


# -- the finder's output: a person removes a wrong item and adds a missed one -------------------
CLEAR_PLAN = """<h1>Integraal Veiligheidsplan 2025-2028 gemeente Utrecht</h1>
<p>Onze speerpunten voor de komende vier jaar zijn:</p>
<ul><li>Ondermijning</li><li>Zorg en veiligheid</li><li>Jeugdoverlast</li></ul>"""
UNCLEAR_PLAN = """<h1>Veiligheidsnota 2025-2028 gemeente Zwolle</h1>
<h2>Aandachtspunten</h2>
<p>Er zijn verschillende aandachtspunten voor de gemeente:</p>
<ul><li>Het winkelcentrum na sluitingstijd</li><li>De route van het station naar het centrum</li></ul>"""


def run_to_analysis(corpus, out, monkeypatch):
    from ivpcorpus import pipeline

    pipeline.run(pipeline.RunOptions(corpus_dir=corpus, out_dir=out, workers=1, progress=False),
                 only=["manifest", "extract", "speerpunten", "classify", "analyse"])
    return Store(out)


def fill_speerpunten(xlsx, decide):
    """decide(row as dict) -> {column: value} for the cells a researcher fills in."""
    from ivpcorpus.review import SPEERPUNT_SHEET

    book = openpyxl.load_workbook(xlsx)
    sheet = book[SPEERPUNT_SHEET]
    header = [c.value for c in sheet[1]]
    for r in range(2, sheet.max_row + 1):
        row = {name: sheet.cell(r, i + 1).value for i, name in enumerate(header)}
        for name, value in decide(row).items():
            sheet.cell(r, header.index(name) + 1).value = value
    book.save(xlsx)


@pytest.mark.slow
def test_speerpunten_review_removes_and_adds_items_on_every_later_run(tmp_path, monkeypatch):
    from ivpcorpus.review import import_speerpunt_review, read_speerpunten_sheet
    from ivpcorpus.speerpunten.decide import SURE_SCORE

    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    (corpus / "utrecht.html").write_text(f"<html><body>{CLEAR_PLAN}</body></html>", encoding="utf-8")
    (corpus / "zwolle.html").write_text(f"<html><body>{UNCLEAR_PLAN}</body></html>", encoding="utf-8")
    store = run_to_analysis(corpus, out, monkeypatch)
    findings = store.read("speerpunt_findings").set_index("source_file")
    assert findings.loc["utrecht.html", "status"] == "gevonden"
    assert findings.loc["zwolle.html", "status"] == "onzeker"  # its (few, weak) items wait for a person
    items = store.read("speerpunten")
    assert (items.loc[items["source_file"] == "zwolle.html", "confidence"] < SURE_SCORE).all()

    xlsx, _, _ = export_review(out, load_codebook(), n_uncertain=2, n_check=0)
    sheet = read_speerpunten_sheet(xlsx)
    zwolle = sheet[sheet["source_file"] == "zwolle.html"]
    assert "Het winkelcentrum na sluitingstijd" in set(zwolle["text"]) and (zwolle["text"] == "").sum() == 1

    def decide(row):
        if row["source_file"] == "zwolle.html" and row["text"]:
            return {"beslissing": "geen speerpunt"}
        if row["source_file"] == "zwolle.html" and not row["text"]:
            return {"beslissing": "speerpunt", "correctie_tekst": "Veilig uitgaan in de binnenstad", "correctie_pagina": "1"}
        return {}

    fill_speerpunten(xlsx, decide)
    new = import_speerpunt_review(xlsx, out, reviewer="onderzoeker")
    assert sorted(new["action"]) == ["toevoegen", "verwijderen", "verwijderen"]
    for _ in range(2):  # the decisions hold on every later run
        store = run_to_analysis(corpus, out, monkeypatch)
        items = store.read("speerpunten")
        zwolle_items = items.loc[items["source_file"] == "zwolle.html"]
        assert zwolle_items["text"].tolist() == ["Veilig uitgaan in de binnenstad"]
        assert zwolle_items["confidence"].tolist() == [1.0] and zwolle_items["thema"].iloc[0]  # labelled like any item
        findings = store.read("speerpunt_findings").set_index("source_file")
        assert findings.loc["zwolle.html", "status"] == "beoordeeld"
        quality = store.read("analysis_quality").set_index("metric")["value"]
        assert quality["plans_speerpunten_reviewed"] == 1 and quality["plans_speerpunten_onzeker"] == 0


@pytest.mark.slow
def test_speerpunten_review_rejects_bad_rows_and_stores_nothing(tmp_path, monkeypatch):
    from ivpcorpus.review import import_speerpunt_review, load_speerpunt_corrections

    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    (corpus / "zwolle.html").write_text(f"<html><body>{UNCLEAR_PLAN}</body></html>", encoding="utf-8")
    run_to_analysis(corpus, out, monkeypatch)
    xlsx, _, _ = export_review(out, load_codebook(), n_uncertain=1, n_check=0)
    fill_speerpunten(xlsx, lambda row: {"beslissing": "misschien"} if row["text"] else
                     {"beslissing": "speerpunt", "correctie_pagina": "twee"})
    with pytest.raises(ReviewError) as problem:
        import_speerpunt_review(xlsx, out, reviewer="x")
    message = str(problem.value)
    assert "'misschien'" in message and "niets opgeslagen" in message
    assert len(load_speerpunt_corrections(out)) == 0
