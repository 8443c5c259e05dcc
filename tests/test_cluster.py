"""`ivpcorpus run --scheduler`: the per-document stages and the embedding on a Dask cluster give
the tables a local run gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed (ivpcorpus[dask])")

from ivpcorpus import pipeline  # noqa: E402
from ivpcorpus.errors import InputError  # noqa: E402
from ivpcorpus.store import Store  # noqa: E402

DEMO = Path(__file__).resolve().parents[1] / "corpus" / "demo"
PLANS = ["almelo_2023-2026.pdf", "IVP Almere 2023-2026.pdf", "amstelveen_2020-2023.pdf"]


@pytest.fixture(scope="module")
def scheduler():
    import dask

    # workers that may start processes, so each document is still read in its own limited process
    with dask.config.set({"distributed.worker.daemon": False}):
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", processes=True,
                                      dashboard_address=None) as cluster:
            yield cluster.scheduler_address


def run_without_topics(corpus: Path, out: Path, monkeypatch, scheduler: str | None) -> Store:
    with monkeypatch.context() as patch:
        patch.setattr(pipeline, "STAGES", [(n, s) for n, s in pipeline.STAGES if n not in ("topics", "report")])
        pipeline.run(pipeline.RunOptions(corpus_dir=corpus, out_dir=out, workers=1, progress=False, scheduler=scheduler))
    return Store(out)


def test_a_run_on_the_cluster_gives_the_tables_of_a_local_run(scheduler, tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in PLANS:
        shutil.copy(DEMO / name, corpus / name)
    local = run_without_topics(corpus, tmp_path / "local", monkeypatch, None)
    remote = run_without_topics(corpus, tmp_path / "cluster", monkeypatch, scheduler)
    for table in ("documents", "pages", "blocks", "errors", "speerpunten", "speerpunt_findings"):
        pd.testing.assert_frame_equal(remote.read(table), local.read(table), obj=table)
    assert len(local.read("speerpunten")) >= 3 * len(PLANS)  # the plans' priorities were found, not nothing twice


def _is_daemon() -> bool:
    import multiprocessing

    return multiprocessing.current_process().daemon


def test_workers_read_each_document_in_a_limited_process_of_its_own(scheduler, tmp_path):
    from ivpcorpus.cluster import connect, extract_many

    client = connect(scheduler)
    try:
        assert not any(client.run(_is_daemon).values())  # so extract.runner may fork its reader process
        broken = tmp_path / "kapot.pdf"
        broken.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
        results = list(extract_many(client, [("ok", DEMO / PLANS[0]), ("kapot", broken)], timeout_s=60))
    finally:
        client.close()
    by_id = {r.doc_id: r for r in results}
    assert by_id["ok"].status != "error" and by_id["ok"].n_pages > 0
    assert by_id["kapot"].status == "error" and by_id["kapot"].reason


def test_passages_embedded_on_the_cluster_equal_local_ones(scheduler, tmp_path):
    from ivpcorpus.cluster import batch_embedder, connect
    from ivpcorpus.topics.embedding import cached_passage_embeddings, get_embedder

    texts = ["De gemeente pakt ondermijnende criminaliteit aan.", "Jongeren die overlast geven worden aangesproken.",
             "Verkeersveiligheid rond scholen blijft een zorg."]
    hashes = [f"h{n}" for n in range(len(texts))]
    backend = get_embedder()
    local = cached_passage_embeddings(texts, hashes, backend, Store(tmp_path / "local"))
    client = connect(scheduler)
    try:
        remote = cached_passage_embeddings(texts, hashes, backend, Store(tmp_path / "cluster"),
                                           embed_batches=batch_embedder(client, backend.name))
    finally:
        client.close()
    np.testing.assert_allclose(remote, local, rtol=1e-5, atol=1e-6)
    # the cluster's vectors are cached like local ones: a second call computes nothing
    again = cached_passage_embeddings(texts, hashes, backend, Store(tmp_path / "cluster"),
                                      embed_batches=lambda batches: pytest.fail("embedded again") if batches else iter(()))
    np.testing.assert_array_equal(again, remote)


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path):
    from ivpcorpus.cluster import connect

    with pytest.raises(InputError, match="geen Dask-scheduler"):
        connect("tcp://127.0.0.1:1", timeout_s=2)
