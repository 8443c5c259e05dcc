"""`ivpcorpus run` end to end on a small corpus: outputs, per-document cache, resume after a crash."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from ivpcorpus import extract, pipeline
from ivpcorpus.cli import app
from ivpcorpus.pipeline import RunOptions, run

pytestmark = pytest.mark.slow  # every test runs the whole pipeline on demo PDFs

DEMO = Path(__file__).resolve().parents[1] / "corpus" / "demo"
PLANS = ["almelo_2023-2026.pdf", "IVP Almere 2023-2026.pdf", "IVP Venlo 2022-2025.pdf", "IVP Lelystad 2020-2023.pdf"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for name in PLANS:
        shutil.copy(DEMO / name, folder / name)
    (folder / "sub").mkdir()
    shutil.copy(DEMO / "bergen-l_2023-2026.pdf", folder / "sub" / "bergen-l_2023-2026.pdf")  # truncated PDF
    (folder / "notities.txt").write_text("geen document")
    return folder


@pytest.fixture(scope="module")
def first_run(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(app, ["run", str(corpus), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_run_writes_every_output(first_run):
    out, output = first_run
    for name in ("documents.csv", "manifest.csv", "speerpunten.csv", "topics.csv", "report.html", "report.pdf",
                 "report.xlsx", "ivpcorpus.duckdb"):
        assert (out / name).stat().st_size > 0, name
    assert "notities.txt" in output and "genegeerd" in output


def test_documents_csv_accounts_for_every_input_file(first_run):
    out, _ = first_run
    documents = pd.read_csv(out / "documents.csv", keep_default_na=False)
    assert list(documents.columns[:6]) == ["source_file", "doc_id", "status", "pages", "ocr_pages", "reason"]
    rows = documents.set_index("source_file")
    assert set(rows.index) == set(PLANS) | {"bergen-l_2023-2026.pdf"}
    assert rows.loc["bergen-l_2023-2026.pdf", "status"] == "error" and rows.loc["bergen-l_2023-2026.pdf", "reason"]
    for name in PLANS:
        assert rows.loc[name, "status"] in ("ok", "warning") and rows.loc[name, "pages"] > 3
    assert rows.loc["IVP Almere 2023-2026.pdf", "municipalities"] == "GM0034"


def test_store_is_queryable_with_sql(first_run):
    out, _ = first_run
    with duckdb.connect(str(out / "ivpcorpus.duckdb"), read_only=True) as con:
        tables = {r[0] for r in con.execute("show tables").fetchall()}
        assert {"documents", "pages", "blocks", "errors", "speerpunten", "topics", "analysis_thema"} <= tables
        n_docs, = con.execute("select count(distinct doc_id) from blocks").fetchone()
        assert n_docs == len(PLANS)
        # every speerpunt carries its provenance and a codebook label
        missing, = con.execute("select count(*) from speerpunten where page is null or evidence = '' or thema is null").fetchone()
        assert missing == 0


def test_rerun_on_an_unchanged_corpus_reuses_everything(corpus, first_run):
    out, _ = first_run
    ctx = run(RunOptions(corpus_dir=corpus, out_dir=out, progress=False))
    assert ctx.cache_hits == len(PLANS) + 1
    assert set(ctx.reused_stages) == {"topics", "report"}
    assert pd.read_parquet(out / "tables" / "speerpunten.parquet")["item_id"].is_unique


def test_an_interrupted_run_leaves_the_store_intact_and_the_next_run_resumes(corpus, tmp_path, monkeypatch):
    real_extract_many = extract.extract_many

    def crash_after_two(jobs, **kwargs):
        for i, result in enumerate(real_extract_many(jobs, **kwargs)):
            if i == 2:
                raise KeyboardInterrupt  # the user pressed Ctrl-C
            yield result

    monkeypatch.setattr(pipeline.extract, "extract_many", crash_after_two)
    with pytest.raises(KeyboardInterrupt):
        run(RunOptions(corpus_dir=corpus, out_dir=tmp_path, progress=False))
    assert not (tmp_path / "ivpcorpus.duckdb").exists() and not (tmp_path / "tables").exists()
    assert len(list((tmp_path / "cache" / "extract").iterdir())) == 2
    monkeypatch.undo()

    ctx = run(RunOptions(corpus_dir=corpus, out_dir=tmp_path, progress=False))
    assert ctx.cache_hits == 2
    assert len(ctx.tables["documents"]) == len(PLANS) + 1
    assert not [p for p in tmp_path.rglob(".*") if p.is_file()]  # no temporary files left behind


def test_a_user_manifest_wins(corpus, tmp_path):
    ctx = run(RunOptions(corpus_dir=corpus, out_dir=tmp_path / "a", progress=False))
    manifest = ctx.tables["manifest"].copy()
    almere = manifest["path"] == "IVP Almere 2023-2026.pdf"
    manifest.loc[almere, "period"] = "2024-2027"
    edited = tmp_path / "edited_manifest.csv"
    manifest.to_csv(edited, index=False)
    ctx = run(RunOptions(corpus_dir=corpus, out_dir=tmp_path / "b", manifest=edited, progress=False))
    documents = ctx.tables["documents"].set_index("source_file")
    assert documents.loc["IVP Almere 2023-2026.pdf", "period"] == "2024-2027"
    speerpunten = ctx.tables["speerpunten"]
    assert set(speerpunten.loc[speerpunten["source_file"] == "IVP Almere 2023-2026.pdf", "period"]) == {"2024-2027"}
