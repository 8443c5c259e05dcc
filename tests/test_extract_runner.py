"""extract_many: every job yields exactly one result, whatever the file or the reader does."""

from __future__ import annotations

import collections
import os
import signal
import time

import pytest

from ivpcorpus.extract import extract_document, extract_many
from ivpcorpus.extract import runner


def test_bad_inputs_become_plain_reasons(tmp_path):
    empty = tmp_path / "leeg.pdf"
    empty.write_bytes(b"")
    garbage = tmp_path / "kapot.pdf"
    garbage.write_bytes(b"%PDF-1.4\n" + os.urandom(2000))
    other = tmp_path / "notitie.txt"
    other.write_text("tekst")
    results = {r.doc_id: r for r in extract_many([("leeg", empty), ("kapot", garbage), ("txt", other),
                                                  ("weg", tmp_path / "bestaat-niet.pdf")], workers=2, timeout_s=30)}
    assert set(results) == {"leeg", "kapot", "txt", "weg"}
    for result in results.values():
        assert result.status == "error" and result.reason and len(result.errors) == 1
        assert result.errors.stage.iloc[0] == "extract"
    assert "leeg" in results["leeg"].reason and "beschadigd" in results["kapot"].reason


def test_encrypted_pdfs(shared_dir):
    torture = shared_dir / "data/pdf-torture"
    needs_password = extract_document(torture / "qpdf_qtest_qpdf_enc-XI-R6,V5,U=view,O=master.pdf", "a")
    assert needs_password.status == "error" and "wachtwoord" in needs_password.reason
    owner_only = extract_document(torture / "qpdf_qtest_qpdf_enc-R2,V1,O=master.pdf", "b")
    assert owner_only.status != "error" and owner_only.n_pages > 0


def _hang(path, doc_id):
    time.sleep(3600)


def _crash(path, doc_id):
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel does to a process out of memory


def _bug(path, doc_id):
    raise RuntimeError("kapotte lezer")


def _greedy(path, doc_id):
    return bytearray(4 * 1024**3)


@pytest.mark.parametrize(("reader", "expected"), [
    (_hang, "afgebroken"), (_crash, "stopte onverwacht"), (_bug, "kapotte lezer"), (_greedy, "geheugen"),
])
def test_hanging_crashing_and_greedy_workers_are_contained(monkeypatch, tmp_path, reader, expected):
    """The worker is forked, so a reader patched in here is what the worker runs."""
    monkeypatch.setattr(runner, "extract_document", reader)
    jobs = [(f"d{i}", tmp_path / f"d{i}.pdf") for i in range(3)]
    results = list(extract_many(jobs, workers=2, timeout_s=2, memory_mb=512))
    assert sorted(r.doc_id for r in results) == ["d0", "d1", "d2"]
    assert all(r.status == "error" and expected in r.reason for r in results), [r.reason for r in results]


def test_results_stream_for_real_documents(shared_dir):
    paths = sorted((shared_dir / "dev/pdf").glob("*.pdf"))
    results = list(extract_many([(p.stem, p) for p in paths], workers=2, progress=True))
    assert sorted(r.doc_id for r in results) == sorted(p.stem for p in paths)
    assert all(r.status == "ok" and len(r.blocks) > 10 for r in results)


@pytest.mark.slow
def test_torture_corpus_is_fully_accounted_for(shared_dir):
    files = sorted((shared_dir / "data/pdf-torture").glob("*.pdf"))
    assert len(files) > 300
    results = list(extract_many([(f.name, f) for f in files], workers=2, timeout_s=30, memory_mb=1536))
    assert sorted(r.doc_id for r in results) == sorted(f.name for f in files)
    statuses = collections.Counter(r.status for r in results)
    assert statuses["ok"] > 0 and statuses["error"] > 0
    for result in results:
        assert result.status in ("ok", "warning", "error")
        assert (result.reason == "") == (result.status == "ok"), (result.doc_id, result.reason)
        assert len(result.errors) == (0 if result.status == "ok" else 1)


def test_a_worker_forked_from_a_large_process_still_reads(tmp_path):
    """A notebook or a second run forks workers from a process that has already embedded and fitted
    topics; the memory limit is on what a document adds, not on the address space it inherits."""
    import mmap

    inherited = mmap.mmap(-1, 4 * 1024 ** 3)  # 4 GB of address space, never touched (no real memory)
    try:
        page = tmp_path / "plan.html"
        page.write_text("<html><body><h1>Veiligheidsplan</h1><p>De gemeente kiest drie prioriteiten.</p></body></html>")
        result = next(extract_many([("plan", page)], workers=1, timeout_s=60, memory_mb=512))
    finally:
        inherited.close()
    assert result.status != "error", result.reason
    assert "drie prioriteiten" in " ".join(result.blocks["text"])
