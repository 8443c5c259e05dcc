"""Extract many documents in isolated worker processes with a time and memory limit.

A hostile or damaged file can make a PDF library loop, allocate without bound or crash the
process. Each document therefore runs in its own forked process (the readers are already
imported, so a fork costs milliseconds; "spawn" and "forkserver" would re-import the caller's
main script, which a CLI or a notebook cannot promise to guard), with RLIMIT_AS as memory
limit and a wall-clock limit enforced by the parent. Whatever happens to the process, the parent yields
one result per job and carries on; a killed or crashed process is simply not reused. A worker leads
its own process group, so a kill also ends the tesseract it may be running for an OCR page (a scan
takes seconds per page: a long one needs a larger time limit).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection, wait
from pathlib import Path

from ivpcorpus.extract.document import DocumentExtraction, extract_document, failed

_CONTEXT = multiprocessing.get_context("fork")
_POLL_S = 0.25


def _work(connection: Connection, path: Path, doc_id: str, memory_mb: int) -> None:
    os.setpgid(0, 0)
    # The limit is on what reading this document adds: a forked worker starts with its parent's
    # address space, which a process that has already embedded and fitted topics (a notebook, a
    # second run) makes large; an absolute limit would then fail every document.
    limit = _address_space() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        result = extract_document(path, doc_id)
    except MemoryError:
        result = failed(doc_id, path.name, f"te veel geheugen nodig (meer dan {memory_mb} MB)")
    except Exception as error:  # noqa: BLE001 - any reader bug must become a row, not a crash
        result = failed(doc_id, path.name, f"onverwachte fout bij het lezen ({type(error).__name__}: {error})"[:300])
    connection.send(result)
    connection.close()


def _address_space() -> int:
    """This process's virtual memory in bytes (Linux; 0 where /proc is not there)."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _kill(process: multiprocessing.process.BaseProcess) -> None:
    """Kill a worker and whatever it started (its process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:  # gone already, or killed before it made its group
        process.kill()


def _died_reason(exitcode: int | None, memory_mb: int) -> str:
    if exitcode is not None and exitcode < 0:
        return (f"het leesproces stopte onverwacht (signaal {-exitcode}; mogelijk beschadigd bestand "
                f"of meer dan {memory_mb} MB geheugen)")
    return f"het leesproces stopte onverwacht (code {exitcode})"


def extract_many(jobs: Iterable[tuple[str, Path]], workers: int = 2, timeout_s: float = 120.0,
                 memory_mb: int = 3072, progress: bool = False) -> Iterator[DocumentExtraction]:
    """Yield one `DocumentExtraction` per (doc_id, path) job as soon as it completes.

    Never raises for a bad file and never hangs: a document that exceeds `timeout_s` or
    `memory_mb`, or whose process dies, yields status "error" with a plain reason.
    """
    pending = list(jobs)
    active: dict[Connection, tuple[multiprocessing.process.BaseProcess, str, Path, float]] = {}
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(pending), desc="extractie", unit="doc")
    pending.reverse()  # pop() from the end keeps the input order
    try:
        while pending or active:
            while pending and len(active) < max(1, workers):
                doc_id, path = pending.pop()
                receiver, sender = _CONTEXT.Pipe(duplex=False)
                process = _CONTEXT.Process(target=_work, args=(sender, Path(path), doc_id, memory_mb), daemon=True)
                process.start()
                sender.close()
                active[receiver] = (process, doc_id, Path(path), time.monotonic())
            ready = wait(list(active), timeout=_POLL_S)
            now = time.monotonic()
            for receiver in list(active):
                process, doc_id, path, started = active[receiver]
                result = None
                if receiver in ready:
                    try:
                        result = receiver.recv()
                    except (EOFError, OSError):
                        process.join(timeout=5)
                        result = failed(doc_id, path.name, _died_reason(process.exitcode, memory_mb))
                elif now - started > timeout_s:
                    _kill(process)
                    result = failed(doc_id, path.name,
                                    f"lezen afgebroken na {timeout_s:.0f} s (bestand te complex of beschadigd)")
                if result is None:
                    continue
                del active[receiver]
                receiver.close()
                process.join(timeout=5)
                if process.is_alive():
                    _kill(process)
                    process.join()
                if bar is not None:
                    bar.update(1)
                yield result
    finally:
        for receiver, (process, *_rest) in active.items():
            _kill(process)
            process.join()
            receiver.close()
        if bar is not None:
            bar.close()
