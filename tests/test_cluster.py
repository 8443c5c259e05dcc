"""`ivpcorpus run --scheduler`: the per-document stages and the embedding on a Dask cluster give
the tables a local run gives.

The cluster is started as a research group would start theirs (`dask scheduler`, `dask worker`,
on 127.0.0.1), and everything that holds a Dask client runs in a process of its own: a client
leaves Dask's event-loop threads in its process, and the other tests fork readers.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("distributed", reason="dask[distributed] is not installed (ivpcorpus[dask])")

from ivpcorpus.store import Store  # noqa: E402

pytestmark = pytest.mark.slow  # real dask scheduler and workers, a run on the cluster

DEMO = Path(__file__).resolve().parents[1] / "corpus" / "demo"
PLANS = ["almelo_2023-2026.pdf", "IVP Almere 2023-2026.pdf", "amstelveen_2020-2023.pdf"]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dask")
    address_file = folder / "scheduler.json"
    # workers that may start processes, so each document is still read in its own limited process
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    processes = [subprocess.Popen([BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                   "--scheduler-file", address_file], env=env, cwd=folder,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        for _ in range(300):
            if address_file.exists() and address_file.stat().st_size:
                break
            time.sleep(0.1)
        address = json.loads(address_file.read_text())["address"]
        processes.append(subprocess.Popen([BIN / "dask", "worker", address, "--nworkers", "2", "--nthreads", "1",
                                           "--no-dashboard", "--local-directory", folder], env=env, cwd=folder,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_for_workers = f"from distributed import Client; Client({address!r}).wait_for_workers(2, timeout=120)"
        subprocess.run([sys.executable, "-c", wait_for_workers], check=True, timeout=180)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def on_cluster(code: str, address: str) -> dict:
    """Run `code` with a client `client` of the cluster in a fresh process; what it puts in
    the dict `result` comes back."""
    script = (f"import json\nfrom ivpcorpus.cluster import connect\nclient = connect({address!r})\nresult = {{}}\n"
              f"{code}\nclient.close()\nprint(json.dumps(result))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_cli(corpus: Path, out: Path, *extra: str) -> Store:
    done = subprocess.run([BIN / "ivpcorpus", "run", corpus, "--out", out, "--quiet", "--workers", "1", *extra],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return Store(out)


def test_a_run_on_the_cluster_gives_the_tables_of_a_local_run(scheduler, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in PLANS:
        shutil.copy(DEMO / name, corpus / name)
    local = run_cli(corpus, tmp_path / "local")
    remote = run_cli(corpus, tmp_path / "cluster", "--scheduler", scheduler)
    for table in ("documents", "pages", "blocks", "errors", "speerpunten", "speerpunt_findings"):
        pd.testing.assert_frame_equal(remote.read(table), local.read(table), obj=table)
    assert len(local.read("speerpunten")) >= 3 * len(PLANS)  # the plans' priorities were found, not nothing twice


def test_workers_read_each_document_in_a_limited_process_of_its_own(scheduler, tmp_path):
    broken = tmp_path / "kapot.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    result = on_cluster(f"""
import multiprocessing
from pathlib import Path
from ivpcorpus.cluster import extract_many
result["daemon"] = any(client.run(lambda: multiprocessing.current_process().daemon).values())
jobs = [("ok", Path({str(DEMO / PLANS[0])!r})), ("kapot", Path({str(broken)!r}))]
result["read"] = {{r.doc_id: [r.status, r.n_pages, r.reason] for r in extract_many(client, jobs, timeout_s=60)}}
""", scheduler)
    assert not result["daemon"]  # so extract.runner may fork its reader process
    assert result["read"]["ok"][0] != "error" and result["read"]["ok"][1] > 0
    assert result["read"]["kapot"][0] == "error" and result["read"]["kapot"][2]


def test_passages_embedded_on_the_cluster_equal_local_ones(scheduler, tmp_path):
    result = on_cluster(f"""
import numpy as np
from ivpcorpus.cluster import batch_embedder
from ivpcorpus.store import Store
from ivpcorpus.topics.embedding import cached_passage_embeddings, get_embedder
texts = ["De gemeente pakt ondermijnende criminaliteit aan.", "Jongeren die overlast geven worden aangesproken.",
         "Verkeersveiligheid rond scholen blijft een zorg."]
hashes = ["h0", "h1", "h2"]
backend = get_embedder()
local = cached_passage_embeddings(texts, hashes, backend, Store({str(tmp_path / "local")!r}))
remote = cached_passage_embeddings(texts, hashes, backend, Store({str(tmp_path / "cluster")!r}),
                                   embed_batches=batch_embedder(client, backend.name))
result["difference"] = float(np.abs(remote - local).max())
def fail(batches):
    if batches:
        raise AssertionError("embedded again")
    return iter(())
again = cached_passage_embeddings(texts, hashes, backend, Store({str(tmp_path / "cluster")!r}), embed_batches=fail)
result["cached_equal"] = bool((again == remote).all())
""", scheduler)
    assert result["difference"] < 1e-5
    assert result["cached_equal"]  # the cluster's vectors are cached like local ones: nothing embedded again


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path):
    done = subprocess.run([BIN / "ivpcorpus", "run", DEMO, "--out", tmp_path / "out", "--quiet",
                           "--scheduler", "tcp://127.0.0.1:1"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "geen Dask-scheduler" in done.stdout + done.stderr
    assert not (tmp_path / "out" / "tables").exists()
