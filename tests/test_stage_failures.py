"""A document that makes a per-document stage fail is one error row (doc_id, stage, reason); the
other documents complete and the report lists the failure. `run --only` re-runs stages on the
store of an earlier run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ivpcorpus import pipeline
from ivpcorpus.cli import app
from ivpcorpus.pipeline import RunOptions, run
from ivpcorpus.store import Store

DEMO = Path(__file__).resolve().parents[1] / "corpus" / "demo"
# one plan for each stage that is made to fail, and one that nothing happens to
PLANS = {"speerpunten": "IVP Almere 2023-2026.pdf", "classify": "IVP Venlo 2022-2025.pdf",
         "topics": "IVP Lelystad 2020-2023.pdf", None: "almelo_2023-2026.pdf"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for name in PLANS.values():
        shutil.copy(DEMO / name, folder / name)
    return folder


def doc_ids(out: Path) -> dict[str, str]:
    documents = Store(out).read("documents")
    return dict(zip(documents["source_file"], documents["doc_id"]))


@pytest.fixture(scope="module")
def failed_run(corpus, tmp_path_factory):
    """A run in which the finder fails for one plan, the classifier for another and cutting the
    text into passages for a third."""
    import ivpcorpus.classify
    import ivpcorpus.speerpunten
    import ivpcorpus.topics

    out = tmp_path_factory.mktemp("out")
    run(RunOptions(corpus_dir=corpus, out_dir=out, progress=False), only=["manifest", "extract"])
    ids = doc_ids(out)
    victim = {stage: ids[name] for stage, name in PLANS.items() if stage}

    find, label, passages = (ivpcorpus.speerpunten.Finder.find, ivpcorpus.classify.label_speerpunten,
                             ivpcorpus.topics.build_passages)

    def failing_find(self, blocks):
        if len(blocks) and blocks["doc_id"].iloc[0] == victim["speerpunten"]:
            raise RuntimeError("kapotte lijst")
        return find(self, blocks)

    def failing_label(items, *args, **kwargs):
        if (items["doc_id"] == victim["classify"]).any():
            raise RuntimeError("kapot label")
        return label(items, *args, **kwargs)

    def failing_passages(blocks, *args, **kwargs):
        if (blocks["doc_id"] == victim["topics"]).any():
            raise RuntimeError("kapotte passage")
        return passages(blocks, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ivpcorpus.speerpunten.Finder, "find", failing_find)
        patch.setattr(ivpcorpus.classify, "label_speerpunten", failing_label)
        patch.setattr(ivpcorpus.topics, "build_passages", failing_passages)
        ctx = run(RunOptions(corpus_dir=corpus, out_dir=out, progress=False))
    return out, ctx, victim


@pytest.mark.slow
def test_each_failing_stage_is_one_error_row_and_the_others_complete(failed_run):
    out, ctx, victim = failed_run
    errors = Store(out).read("errors")
    later = errors[errors["stage"] != "extract"].set_index("stage")
    assert sorted(later.index) == ["classify", "speerpunten", "topics"]
    for stage, doc_id in victim.items():
        assert later.at[stage, "doc_id"] == doc_id
        assert later.at[stage, "source_file"] == PLANS[stage]
    assert "kapotte lijst" in later.at["speerpunten", "reason"] and "kapot label" in later.at["classify", "reason"]

    items = Store(out).read("speerpunten")
    assert not (items["doc_id"] == victim["speerpunten"]).any()
    findings = Store(out).read("speerpunt_findings").set_index("doc_id")
    assert findings.at[victim["speerpunten"], "status"] == "fout"
    unlabelled = items[items["doc_id"] == victim["classify"]]
    assert len(unlabelled) and (unlabelled["thema"] == "").all()
    others = items[~items["doc_id"].isin(victim.values())]
    assert len(others) and (others["thema"] != "").all()
    # the classify victim's items are still found (and count once labelled after a re-run)
    assert set(items["doc_id"]) == set(doc_ids(out).values()) - {victim["speerpunten"]}

    passages = Store(out).read("topic_passages")
    assert not (passages["doc_id"] == victim["topics"]).any()
    assert set(passages["doc_id"]) >= {victim["classify"], victim["speerpunten"]}

    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Fouten na het lezen" in html
    for name in (PLANS["speerpunten"], PLANS["classify"], PLANS["topics"]):
        assert name in html


@pytest.mark.slow
def test_only_reruns_the_named_stages_on_the_stored_tables(failed_run, corpus):
    out, _, victim = failed_run
    before = Store(out).read("speerpunten")
    result = CliRunner().invoke(app, ["run", str(corpus), "--out", str(out), "--only", "classify,analyse", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "tijd per stap: classify" in result.output and "extract" not in result.output.split("tijd per stap:")[1]
    items = Store(out).read("speerpunten")
    assert list(items["item_id"]) == list(before["item_id"])  # the same speerpunten, now all labelled
    assert (items[items["doc_id"] == victim["classify"]]["thema"] != "").all()
    errors = Store(out).read("errors")
    assert "classify" not in set(errors["stage"])  # the re-run classified every document
    assert {"speerpunten", "topics"} <= set(errors["stage"])  # the other stages' rows stay
    plans = Store(out).read("analysis_plans").set_index("doc_id")
    assert plans.at[victim["classify"], "themas"]


def test_only_needs_an_earlier_run_and_known_stage_names(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plan.html").write_text("<h1>Veiligheidsplan</h1><p>Tekst.</p>", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["run", str(corpus), "--out", str(tmp_path / "out"), "--only", "classify"])
    assert result.exit_code == 2
    assert "'speerpunten' heeft hier nog niet gedraaid" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["run", str(corpus), "--out", str(tmp_path / "out"), "--only", "labelen"])
    assert result.exit_code == 2 and "onbekende stap" in result.output and "classify" in result.output
    assert not Store(tmp_path / "out").tables()


def test_the_report_command_on_a_folder_without_a_run_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["report", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "nog niet gedraaid" in result.output and "Traceback" not in result.output


def test_stage_names_and_error_stages_agree():
    from ivpcorpus.catalog import ERROR_STAGES

    per_document = [s.name for s in pipeline.STAGES if "errors" in s.produces]
    assert set(per_document) <= set(ERROR_STAGES)
    assert pd.Series(pipeline.STAGE_NAMES).is_unique
