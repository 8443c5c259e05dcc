"""A first run's one-off work, done ahead on a spare core while the run's first stages go on.

On a machine where ivpcorpus never ran, two things cost the first run some 20 s on its
critical path: training the classifier (kept in the user cache afterwards, see
`pipeline.trained_classifier`) and numba compiling UMAP's code (kept in numba's cache, see
`topics.jit`). Neither needs the corpus, so `start` runs each in a background process of its
own from the start of the run, while the corpus is read; the stage that needs one waits for it
(`Warmup.wait`) and then finds its cache filled. A warm-up only fills a cache with what the stage
would make itself: when it fails or is stopped, the stage makes it, so results never depend on
it. On a machine that ran before, the classifier job is not started (its cache entry exists)
nor is the UMAP job (a marker in the user cache says numba compiled it for this software; when
numba's own cache was deleted since, the topic fit compiles again, as without warm-up).

    python -m ivpcorpus.warmup classifier OUT_DIR | umap     (what a background process runs)
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

JOBS = ("classifier", "umap")
# Longest a stage waits for its warm-up (a cache on a stalled network drive); then it stops the
# job and makes what it needs itself.
WAIT_LIMIT_S = 900
UMAP_MARKER = "numba-umap"  # user-cache kind of the marker of a finished UMAP job


@dataclass
class Warmup:
    """The background processes of one run, by job name."""

    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def wait(self, job: str) -> None:
        """Until the job has ended (at once when it never started); its outcome is not checked:
        whatever it did not put in its cache, the stage makes itself."""
        process = self.processes.get(job)
        if process is None:
            return
        try:
            process.wait(timeout=WAIT_LIMIT_S)
        except subprocess.TimeoutExpired:
            process.terminate()
            process.wait()
        del self.processes[job]

    def stop(self) -> None:
        """End the jobs still running (a run that did not need them, or that failed)."""
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            process.wait()
        self.processes.clear()


def start(jobs: list[str], out_dir: Path) -> Warmup:
    """One background process per job of `jobs` (names of JOBS) for the run on `out_dir`.

    They run at the run's own priority. At nice 10 a new machine's first demo run took 39 s
    instead of 45 when the machine was otherwise idle, but with other work on it the niced jobs
    starved and the classify stage waited 21 s for what takes 9 s to do itself."""
    unknown = sorted(set(jobs) - set(JOBS))
    if unknown:
        raise ValueError(f"unknown warm-up job(s) {unknown}; choose from {JOBS}")
    return Warmup({job: subprocess.Popen([sys.executable, "-m", "ivpcorpus.warmup", job, str(out_dir)],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
                   for job in jobs})


def umap_marker_key() -> str:
    """What numba's compiled UMAP code depends on: the libraries, the Python, where numba keeps
    its cache and ivpcorpus's own code (which functions it compiles, and how)."""
    from ivpcorpus.pipeline import code_version

    parts = [version(name) for name in ("numba", "umap-learn", "llvmlite", "numpy")]
    parts += [sys.version, os.environ.get("NUMBA_CACHE_DIR", ""), code_version()]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in JOBS or (argv[0] == "classifier" and len(argv) < 2):
        return 2
    job = argv[0]
    # Stopped by the run (it no longer needs the job): end through `finally` blocks, so that a
    # cache file being written is removed rather than left half-written.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if job == "classifier":
        from ivpcorpus.pipeline import trained_classifier
        from ivpcorpus.review import load_corrections

        trained_classifier(load_corrections(Path(argv[1])))
    else:
        from ivpcorpus.topics.model import compile_umap
        from ivpcorpus.usercache import cached

        cached(UMAP_MARKER, umap_marker_key(), lambda: compile_umap() or True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
