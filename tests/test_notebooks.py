"""The notebooks run top to bottom on a store of the demo corpus and are committed without outputs.

The store comes from a pipeline run on corpus/demo into a temporary folder (once per session);
set IVPCORPUS_TEST_OUT to the OUT_DIR of an earlier run of the demo corpus to reuse that one.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"}


def test_there_are_notebooks_for_each_subject():
    names = [p.stem for p in NOTEBOOKS]
    for subject in ("corpus_overview", "speerpunten", "group_comparison", "topics"):
        assert any(subject in name for name in names), f"no notebook about {subject}: {names}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: strip outputs before committing"


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> Path:
    """OUT_DIR of a pipeline run on the demo corpus, with every stage but the report.

    The notebooks read the store's tables, not report.html/pdf/xlsx; rendering the report
    (WeasyPrint PDF) is the slowest step and is tested by the report tests.
    """
    reuse = os.environ.get("IVPCORPUS_TEST_OUT")
    if reuse:
        return Path(reuse)
    from ivpcorpus import pipeline

    out = tmp_path_factory.mktemp("demo-run")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in OFFLINE_ENV.items():
            patch.setenv(key, value)
        pipeline.run(pipeline.RunOptions(corpus_dir=REPO / "corpus" / "demo", out_dir=out, progress=False),
                     only=[name for name in pipeline.STAGE_NAMES if name != "report"])
    return out


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_on_the_demo_store(path, demo_store, monkeypatch):
    from nbclient import NotebookClient

    # The kernel inherits this environment: the store to read, offline, one thread.
    for key, value in {**OFFLINE_ENV, "IVPCORPUS_OUT": str(demo_store)}.items():
        monkeypatch.setenv(key, value)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs
              if o.output_type == "error"]
    assert not errors
    assert any(cell.outputs for cell in notebook.cells if cell.cell_type == "code")
