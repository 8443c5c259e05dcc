"""The per-user cache (`ivpcorpus.usercache`) and the classifier the pipeline keeps in it."""

from __future__ import annotations

import pandas as pd
import pytest

from ivpcorpus import pipeline, usercache


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("IVPCORPUS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_cached_makes_once_and_returns_the_stored_value(cache):
    calls = []

    def make():
        calls.append(1)
        return {"weights": [1.0, 2.0]}

    assert usercache.cached("thing", "k1", make) == {"weights": [1.0, 2.0]}
    assert usercache.cached("thing", "k1", make) == {"weights": [1.0, 2.0]}
    assert len(calls) == 1
    usercache.cached("thing", "k2", make)  # another key is made again
    assert len(calls) == 2


def test_a_damaged_entry_is_made_again(cache):
    usercache.cached("thing", "k", lambda: "first")
    (cache / "thing" / "k.joblib").write_bytes(b"not a joblib file")
    assert usercache.cached("thing", "k", lambda: "again") == "again"
    assert usercache.cached("thing", "k", lambda: "never") == "again"


def test_an_unwritable_cache_only_means_making_it_again(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("IVPCORPUS_CACHE_DIR", str(blocker / "cache"))  # under a file: cannot be made
    assert usercache.cached("thing", "k", lambda: 42) == 42


def test_an_object_pickle_cannot_store_is_returned_uncached(cache):
    value = usercache.cached("thing", "k", lambda: (lambda: 1))  # a lambda: pickle refuses it
    assert value() == 1
    assert not list((cache / "thing").glob("*.joblib"))


def test_old_entries_are_removed(cache):
    for n in range(usercache.KEEP + 3):
        usercache.cached("thing", f"k{n}", lambda: n)
    assert len(list((cache / "thing").glob("*.joblib"))) == usercache.KEEP


def test_the_classifier_is_trained_once_per_training_data(cache, monkeypatch):
    import ivpcorpus.classify

    trained = []

    def fake_default_classifier(corrections=None):
        trained.append(len(corrections))
        return {"trained_on": len(corrections)}

    monkeypatch.setattr(ivpcorpus.classify, "default_classifier", fake_default_classifier)
    none = pd.DataFrame(columns=["item_id", "thema"])
    one = pd.DataFrame([{"item_id": "a:1", "thema": "x"}])
    assert pipeline.trained_classifier(none) == {"trained_on": 0}
    assert pipeline.trained_classifier(none) == {"trained_on": 0}
    assert pipeline.trained_classifier(one) == {"trained_on": 1}  # other corrections: trained again
    assert pipeline.trained_classifier(one.assign(thema="y")) == {"trained_on": 1}
    assert trained == [0, 1, 1]
