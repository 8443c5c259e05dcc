"""The store: validated atomic tables, per-document cache, DuckDB published from Parquet."""

from __future__ import annotations

import os

import duckdb
import pandas as pd
import pytest

from ivpcorpus.catalog import SchemaError, empty, validate
from ivpcorpus.store import Store


def errors_table(n: int) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "source_file": "x.pdf",
                         "stage": "extract", "reason": "kapot"})


def test_write_validates_the_schema(tmp_path):
    store = Store(tmp_path)
    with pytest.raises(SchemaError, match="missing column"):
        store.write("errors", pd.DataFrame({"doc_id": ["a"]}))
    with pytest.raises(SchemaError, match="wrong type"):
        validate("pages", pd.DataFrame({"doc_id": ["a"], "page": ["one"], "text": [""], "n_chars": [0], "quality": ["ok"]}))
    assert not store.has("errors")
    store.write("errors", errors_table(2))
    assert store.read("errors")["doc_id"].tolist() == ["d0", "d1"]
    assert list(empty("blocks").columns)[:3] == ["doc_id", "block_id", "page"]


def test_a_failed_write_keeps_the_previous_table_and_leaves_no_temp_files(tmp_path, monkeypatch):
    store = Store(tmp_path)
    store.write("errors", errors_table(3))

    def crash(self, *args, **kwargs):
        raise KeyboardInterrupt  # interrupted half-way through writing
    monkeypatch.setattr(pd.DataFrame, "to_parquet", crash)
    with pytest.raises(KeyboardInterrupt):
        store.write("errors", errors_table(5))
    monkeypatch.undo()
    assert len(store.read("errors")) == 3
    assert os.listdir(store.tables_dir) == ["errors.parquet"]


def test_the_catalog_enforces_values_unique_keys_and_known_tables(tmp_path):
    store = Store(tmp_path)
    with pytest.raises(SchemaError, match="not in the catalog"):
        store.write("my_table", pd.DataFrame({"x": [1]}))
    with pytest.raises(SchemaError, match="'stage' has value"):
        store.write("errors", errors_table(1).assign(stage="lezen"))
    page = {"doc_id": "a", "page": 1, "text": "", "n_chars": 0, "quality": "ok"}
    with pytest.raises(SchemaError, match=r"key \['doc_id', 'page'\] is not unique"):
        store.write("pages", pd.DataFrame([page, page]))
    with pytest.raises(SchemaError, match="'quality' has value"):
        store.write("pages", pd.DataFrame([{**page, "quality": "goed"}]))
    assert store.tables() == []
    store.write("pages", pd.DataFrame([page, {**page, "page": 2}]))
    assert store.has("pages")


def test_publish_builds_a_queryable_duckdb(tmp_path):
    store = Store(tmp_path)
    store.write("errors", errors_table(4))
    store.write("extra", pd.DataFrame({"x": [1, 2]}), schema={"x": "int"})  # a table outside the catalog names its schema
    store.publish()
    with store.connect() as con:
        assert con.execute("select count(*) from errors").fetchone() == (4,)
        assert con.execute("select sum(x) from extra").fetchone() == (3,)
    store.write("errors", errors_table(1))
    store.publish()  # replaces the file as a whole
    assert duckdb.connect(str(store.db_path), read_only=True).execute("select count(*) from errors").fetchone() == (1,)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ivpcorpus.duckdb", "tables"]


def test_cache_entries_are_all_or_nothing(tmp_path, monkeypatch):
    store = Store(tmp_path)
    assert store.cache_get("extract", "k1") is None
    store.cache_put("extract", "k1", {"errors": errors_table(1), "pages": empty("pages")})
    assert set(store.cache_get("extract", "k1")) == {"errors", "pages"}

    calls = []
    real = pd.DataFrame.to_parquet

    def crash_on_second(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, *args, **kwargs)
    monkeypatch.setattr(pd.DataFrame, "to_parquet", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        store.cache_put("extract", "k2", {"errors": errors_table(1), "pages": empty("pages")})
    monkeypatch.undo()
    assert store.cache_get("extract", "k2") is None  # no half entry that a resumed run would trust
    assert sorted(p.name for p in (tmp_path / "cache" / "extract").iterdir()) == ["k1"]


def test_written_files_and_folders_get_the_normal_umask_mode(tmp_path):
    """Colleagues sharing an output folder can read it: no mkstemp/mkdtemp private modes."""
    old = os.umask(0o022)
    try:
        store = Store(tmp_path)
        store.write("errors", errors_table(1))
        store.cache_put("extract", "k1", {"errors": errors_table(1)})
        store.publish()
    finally:
        os.umask(old)
    entry = tmp_path / "cache" / "extract" / "k1"
    assert entry.stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "tables" / "errors.parquet").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "ivpcorpus.duckdb").stat().st_mode & 0o777 == 0o644
