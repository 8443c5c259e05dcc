"""Bad input gets one clear Dutch message and exit code 2, never a traceback, and loses nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ivpcorpus.cli import app

DEMO = Path(__file__).resolve().parents[1] / "corpus" / "demo"
PLAN = "almelo_2023-2026.pdf"


def invoke(*args: str):
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture()
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(DEMO / PLAN, folder / PLAN)
    return folder


def test_empty_corpus_folder(tmp_path):
    (tmp_path / "leeg").mkdir()
    result = invoke("run", tmp_path / "leeg", "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 2 and "geen documenten" in result.output and "leeg" in result.output
    assert not (tmp_path / "out" / "tables").exists()


def test_corpus_folder_without_documents(tmp_path):
    folder = tmp_path / "notities"
    folder.mkdir()
    (folder / "agenda.txt").write_text("vergadering")
    result = invoke("run", folder, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 2 and "agenda.txt" in result.output


def test_out_that_is_a_file_or_below_a_file(corpus, tmp_path):
    existing = tmp_path / "resultaat.txt"
    existing.write_text("van iemand anders")
    result = invoke("run", corpus, "--out", existing, "--quiet")
    assert result.exit_code == 2 and "bestand, geen map" in result.output
    assert existing.read_text() == "van iemand anders"
    result = invoke("run", corpus, "--out", existing / "sub", "--quiet")
    assert result.exit_code == 2 and "geen schrijfbare map" in result.output


def test_malformed_manifest(corpus, tmp_path):
    manifest = corpus / "manifest.csv"
    manifest.write_text("bestand,gemeente\nalmelo.pdf,Almelo\n")
    result = invoke("run", corpus, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 2 and "geen ivpcorpus-manifest" in result.output and "doc_id" in result.output
    assert manifest.read_text() == "bestand,gemeente\nalmelo.pdf,Almelo\n"  # the user's file is untouched


@pytest.mark.parametrize("content, message", [
    ("code,groep\nGM0141,G40\n", "ontbreken"),
    ("gemeentecode,group\nGM0141,G5\n", "onbekende groep"),
    ("gemeentecode,group\nGM9999,G40\n", "onbekende gemeentecode"),
    ("gemeentecode,group\nGM0141,G40\nGM0141,P10\n", "meer dan eens"),
])
def test_malformed_groups_csv(corpus, tmp_path, content, message):
    groups = tmp_path / "groepen.csv"
    groups.write_text(content)
    result = invoke("run", corpus, "--out", tmp_path / "out", "--groups", groups, "--quiet")
    assert result.exit_code == 2 and message in result.output


@pytest.fixture()
def labelled_store(tmp_path, shipped_classifier):
    from ivpcorpus.classify import label_speerpunten
    from ivpcorpus.codebook import load_codebook
    from ivpcorpus.store import Store

    table = pd.DataFrame({"item_id": ["a-1", "a-2"], "doc_id": "a", "source_file": "ivp.pdf", "municipalities": "GM0363",
                          "period": "2023-2026", "level": "prioriteit", "text": ["Ondermijning", "Woninginbraken"],
                          "context": "", "page": [1, 2], "evidence": "", "confidence": 0.9})
    Store(tmp_path).write("speerpunten", label_speerpunten(table, shipped_classifier, load_codebook()))
    return tmp_path


def review_csv(tmp_path, rows: list[dict]) -> Path:
    path = tmp_path / "blad.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("name, content, message", [
    ("blad.xlsx", b"geen werkmap", "geen leesbaar beoordelingsblad"),
    ("blad.pdf", b"%PDF-1.4", "verwacht een .xlsx- of .csv-bestand"),
    ("blad.csv", b"item_id,tekst\na-1,x\n", "ontbreken"),
])
def test_review_sheet_of_the_wrong_kind(labelled_store, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = invoke("review", "import", path, "--out", labelled_store)
    assert result.exit_code == 2 and message in result.output
    assert not (labelled_store / "review" / "corrections.csv").exists()


@pytest.mark.parametrize("rows, message", [
    ([{"item_id": "zz-9", "text": "Iets", "correctie_thema": "ondermijning"}], "niet in de opslag"),
    ([{"item_id": "a-1", "text": "Ondermijning", "correctie_thema": "ondermijnig"}], "onbekend"),
    ([{"item_id": "a-1", "text": "Ondermijning", "correctie_thema": "ondermijning"},
      {"item_id": "a-1", "text": "Ondermijning", "correctie_thema": "veelvoorkomende_criminaliteit"}], "meer dan eens"),
])
def test_review_sheet_with_bad_rows_stores_nothing(labelled_store, tmp_path, rows, message):
    result = invoke("review", "import", review_csv(tmp_path, rows), "--out", labelled_store)
    assert result.exit_code == 2 and message in result.output
    assert not (labelled_store / "review" / "corrections.csv").exists()


def test_a_second_run_on_the_same_out_waits_or_says_so(corpus, tmp_path):
    import threading

    from ivpcorpus.store import locked

    out = tmp_path / "out"
    with locked(out):
        result = invoke("run", corpus, "--out", out, "--quiet", "--no-wait")
        assert result.exit_code == 2 and "andere run" in result.output
        assert not (out / "tables").exists()

        told, entered = threading.Event(), threading.Event()

        def second_run():
            with locked(out, on_wait=told.set):
                entered.set()

        waiting = threading.Thread(target=second_run)
        waiting.start()
        assert told.wait(10)  # it saw the first run ...
        assert not entered.is_set()  # ... and waits for it
    waiting.join(10)
    assert entered.is_set()
