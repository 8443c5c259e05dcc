"""Warm-ups: background processes that fill the classifier's and numba's caches for a run."""

from __future__ import annotations

import subprocess
import sys
import time

import pandas as pd
import pytest

from ivpcorpus import warmup
from ivpcorpus.pipeline import RunContext, RunOptions, classifier_cache_key, load_reference, warmup_jobs
from ivpcorpus.review import load_corrections
from ivpcorpus.store import Store
from ivpcorpus.usercache import entry_path


@pytest.mark.slow
def test_the_classifier_job_fills_the_user_cache_with_the_stages_classifier(tmp_path, monkeypatch):
    monkeypatch.setenv("IVPCORPUS_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "out"
    out.mkdir()
    entry = entry_path("classifier", classifier_cache_key(load_corrections(out)))
    assert not entry.exists()
    jobs = warmup.start(["classifier"], out)
    jobs.wait("classifier")
    assert entry.exists() and not jobs.processes

    import joblib

    from ivpcorpus.classify import default_classifier

    items = pd.DataFrame({"text": ["Aanpak van woninginbraken", "Jongeren die overlast geven", "Drugs"],
                          "context": ["", "", "drugsoverlast en drugshandel in de wijk"]})
    pd.testing.assert_frame_equal(joblib.load(entry).predict_labels(items), default_classifier().predict_labels(items))


@pytest.mark.slow
def test_the_umap_job_compiles_into_numbas_cache_and_leaves_a_marker(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "numba"))
    monkeypatch.setenv("IVPCORPUS_CACHE_DIR", str(tmp_path / "cache"))
    marker = entry_path(warmup.UMAP_MARKER, warmup.umap_marker_key())
    jobs = warmup.start(["umap"], tmp_path)
    jobs.wait("umap")
    cached = {path.name.split(".")[1].split("-")[0] for path in (tmp_path / "numba").rglob("*.nbi")}
    # the kernels of a small fit and its transform, as `fit_topics` runs them
    assert {"smooth_knn_dist", "compute_membership_strengths", "fast_knn_indices"} <= cached
    assert marker.exists()
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "other-numba"))
    assert warmup.umap_marker_key() != marker.stem  # another numba cache has not been filled


def test_a_stopped_or_failed_job_never_stops_the_run(tmp_path):
    jobs = warmup.Warmup({"umap": subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])})
    started = time.perf_counter()
    jobs.stop()
    assert time.perf_counter() - started < 30 and not jobs.processes
    failing = warmup.Warmup({"classifier": subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])})
    failing.wait("classifier")  # returns (the stage then trains the classifier itself)
    assert not failing.processes
    failing.wait("umap")  # never started: returns at once
    assert warmup.main(["no-such-job"]) == 2 and warmup.main(["classifier"]) == 2
    with pytest.raises(ValueError, match="no-such-job"):
        warmup.start(["no-such-job"], tmp_path)


def test_jobs_are_the_ones_the_chosen_stages_need(tmp_path, monkeypatch):
    monkeypatch.setenv("IVPCORPUS_CACHE_DIR", str(tmp_path / "cache"))
    ctx = RunContext(options=RunOptions(corpus_dir=None, out_dir=tmp_path), store=Store(tmp_path),
                     reference=load_reference())
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1})
    assert warmup_jobs(ctx, ["classify", "topics"]) == ["classifier", "umap"]
    assert warmup_jobs(ctx, ["report"]) == []
    entry = entry_path("classifier", classifier_cache_key(load_corrections(tmp_path)))
    entry.parent.mkdir(parents=True)
    entry.write_bytes(b"")  # the user cache has this classifier: nothing to train ahead
    assert warmup_jobs(ctx, ["classify", "topics"]) == ["umap"]
    marker = entry_path(warmup.UMAP_MARKER, warmup.umap_marker_key())
    marker.parent.mkdir(parents=True)
    marker.write_bytes(b"")  # an earlier job compiled UMAP for this software
    assert warmup_jobs(ctx, ["classify", "topics"]) == []
    entry.unlink()
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0})
    assert warmup_jobs(ctx, ["classify", "topics"]) == []  # one core: the run would only wait for them
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1})
    assert warmup_jobs(ctx, ["classify", "topics"]) == ["classifier"]
