"""The store: stage outputs as Parquet tables plus one DuckDB file a researcher can query.

Layout under OUT_DIR:
    tables/<name>.parquet        the current version of every table
    cache/<stage>/<key>/*.parquet  per-document results, keyed by content hash + stage version
    ivpcorpus.duckdb             all tables, rebuilt from the Parquet files by `publish()`

Every write goes to a temporary name in the same folder and is moved into place with
os.replace, so an interrupted run leaves the previous complete file (or none), never half of
one. Per-document cache entries are written the same way, which is what lets the next run
resume where an interrupted one stopped.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd

from ivpcorpus.errors import InputError
from ivpcorpus.catalog import CACHE_DIR, DB_NAME, TABLES_DIR, Schema, validate


@contextlib.contextmanager
def locked(out_dir: Path, wait: bool = True, on_wait=None) -> Iterator[None]:
    """Hold OUT_DIR for one run: a second run on the same folder waits until the first is done
    (`on_wait` is told once), or with `wait=False` stops with an InputError. An advisory lock
    (flock) on the folder itself: no lock file to leave behind, and the operating system
    releases it when a run ends or dies, so a crash never leaves the folder locked."""
    out_dir.mkdir(parents=True, exist_ok=True)
    handle = os.open(out_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise InputError(f"{out_dir}: een andere run schrijft al in deze map; wacht tot die klaar is "
                                 "of kies een andere --out") from None
            if on_wait is not None:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing the descriptor releases the lock


class Store:
    def __init__(self, out_dir: Path | str):
        self.root = Path(out_dir)
        self.tables_dir = self.root / TABLES_DIR
        self.cache_dir = self.root / CACHE_DIR
        self.db_path = self.root / DB_NAME

    # -- tables ------------------------------------------------------------------------------
    def table_path(self, name: str) -> Path:
        return self.tables_dir / f"{name}.parquet"

    def has(self, name: str) -> bool:
        return self.table_path(name).exists()

    def write(self, name: str, df: pd.DataFrame, schema: Schema | None = None) -> Path:
        """Validate against the catalog (or `schema`, for a table outside it) and write atomically."""
        validate(name, df, schema)
        path = self.table_path(name)
        _atomic_parquet(df, path)
        return path

    def read(self, name: str) -> pd.DataFrame:
        path = self.table_path(name)
        if not path.exists():
            raise FileNotFoundError(f"table {name!r} is not in the store at {self.root}; run the stage that makes it first")
        return pd.read_parquet(path)

    def tables(self) -> list[str]:
        return sorted(p.stem for p in self.tables_dir.glob("*.parquet"))

    # -- per-document cache ------------------------------------------------------------------
    def _entry(self, stage: str, key: str) -> Path:
        return self.cache_dir / stage / key

    def cache_get(self, stage: str, key: str) -> dict[str, pd.DataFrame] | None:
        entry = self._entry(stage, key)
        if not entry.is_dir():
            return None
        return {p.stem: pd.read_parquet(p) for p in entry.glob("*.parquet")}

    def cache_put(self, stage: str, key: str, tables: dict[str, pd.DataFrame]) -> None:
        with atomic_directory(self._entry(stage, key)) as tmp:
            for name, df in tables.items():
                df.to_parquet(tmp / f"{name}.parquet", index=False)

    # -- DuckDB ------------------------------------------------------------------------------
    def publish(self) -> Path:
        """Rebuild the DuckDB file from the Parquet tables, atomically."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".ivpcorpus.", suffix=".duckdb", dir=self.root)
        os.close(fd)
        os.unlink(tmp_name)  # DuckDB wants to create the file itself
        try:
            with duckdb.connect(tmp_name) as con:
                for name in self.tables():
                    path = str(self.table_path(name)).replace("'", "''")
                    con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM read_parquet(\'{path}\')')
            os.replace(tmp_name, self.db_path)
        finally:
            for leftover in (tmp_name, tmp_name + ".wal"):
                if os.path.exists(leftover):
                    os.unlink(leftover)
        return self.db_path

    def connect(self, read_only: bool = True) -> duckdb.DuckDBPyConnection:
        """A connection to the published DuckDB file (for notebooks and ad-hoc SQL)."""
        return duckdb.connect(str(self.db_path), read_only=read_only)


def _umask_mode(directory: bool = False) -> int:
    """The mode a plainly created file or folder gets (mkstemp/mkdtemp would make it private)."""
    mask = os.umask(0)
    os.umask(mask)
    return (0o777 if directory else 0o666) & ~mask


@contextlib.contextmanager
def atomic_directory(target: Path) -> Iterator[Path]:
    """Yield a temporary folder beside `target` to fill; it replaces `target` only when the
    block ends without an error, so readers see the old folder, the new one or none."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield tmp
        os.chmod(tmp, _umask_mode(directory=True))
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _atomic_parquet(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".parquet", dir=path.parent)
    os.close(fd)
    try:
        df.to_parquet(tmp_name, index=False)
        os.chmod(tmp_name, _umask_mode())
        os.replace(tmp_name, path)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)


def atomic_write_text(path: Path, text: str) -> None:
    """Write a text file (CSV, HTML, ...) so that readers never see half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp_name, _umask_mode())
        os.replace(tmp_name, path)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)


def atomic_write_csv(path: Path, df: pd.DataFrame) -> None:
    atomic_write_text(path, df.to_csv(index=False))
