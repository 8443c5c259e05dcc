"""Shared fixtures. `../shared` is the developers' data folder; a user's clone has none."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The developers' `../shared` folder; tests that use it skip when it is absent."""
    if not (SHARED / "reference" / "codebook.yaml").exists():
        pytest.skip("../shared is not available (user clone): skipping a development-data test")
    return SHARED


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session", autouse=True)
def user_cache(tmp_path_factory) -> Path:
    """The runs of a session share one user cache (`ivpcorpus.usercache`: the trained
    classifier), never the developer's own ~/.cache; subprocesses inherit it."""
    folder = tmp_path_factory.mktemp("user-cache")
    previous = os.environ.get("IVPCORPUS_CACHE_DIR")
    os.environ["IVPCORPUS_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("IVPCORPUS_CACHE_DIR", None)
    else:
        os.environ["IVPCORPUS_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def shipped_classifier():
    """The classifier trained on the shipped gold items (training takes seconds: once per session)."""
    from ivpcorpus.classify import default_classifier

    return default_classifier()
