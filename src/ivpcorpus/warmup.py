"""A first run's one-off work, done ahead on a spare core while the run's first stages go on.

On a machine where ivpcorpus never ran, two things cost the first run some 20 s on its
critical path: training the classifier (kept in the user cache afterwards, see
`pipeline.trained_classifier`) and numba compiling UMAP's code (kept in numba's cache, see
`topics.jit`). Neither needs the corpus, so `start` runs each in a background process of its
own from the start of the run, while the corpus is read; the stage that needs one waits for it
(`Warmup.wait`) and then finds its cache filled. A warm-up only fills a cache with what the stage
would make itself: when it fails or is stopped, the stage makes it, so results never depend on
it. On a machine that ran before, the classifier job is not started (its cache entry exists)
and the UMAP job finds numba's cache warm and ends within seconds.

    python -m ivpcorpus.warmup classifier OUT_DIR | umap     (what a background process runs)
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

JOBS = ("classifier", "umap")
BACKGROUND_NICENESS = 10


@dataclass
class Warmup:
    """The background processes of one run, by job name."""

    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def wait(self, job: str) -> None:
        """Until the job has ended (at once when it never started); its outcome is not checked:
        whatever it did not put in its cache, the stage makes itself."""
        process = self.processes.pop(job, None)
        if process is not None:
            process.wait()

    def stop(self) -> None:
        """End the jobs still running (a run that did not need them, or that failed)."""
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            process.wait()
        self.processes.clear()


def start(jobs: list[str], out_dir: Path) -> Warmup:
    """One background process per job of `jobs` (names of JOBS) for the run on `out_dir`."""
    unknown = sorted(set(jobs) - set(JOBS))
    if unknown:
        raise ValueError(f"unknown warm-up job(s) {unknown}; choose from {JOBS}")
    return Warmup({job: subprocess.Popen([sys.executable, "-m", "ivpcorpus.warmup", job, str(out_dir)],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
                   for job in jobs})


def main(argv: list[str]) -> int:
    job, out_dir = argv[0], Path(argv[1]) if len(argv) > 1 else None
    # Behind the run's own processes: a warm-up uses what they leave of the cores (reading
    # the corpus keeps every core busy; most later stages keep one).
    os.nice(BACKGROUND_NICENESS)
    if job == "classifier" and out_dir is not None:
        from ivpcorpus.pipeline import trained_classifier
        from ivpcorpus.review import load_corrections

        trained_classifier(load_corrections(out_dir))
    elif job == "umap":
        from ivpcorpus.topics.model import compile_umap

        compile_umap()
    else:
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
