"""DuckDB connections: the schema, the normalisation functions SQL calls, the fts extension."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.normalize import normalize_name, normalize_text, reading

SCHEMA = (Path(__file__).with_name("schema.sql")).read_text(encoding="utf-8")


def _vectorised(fn):
    def apply(values: pa.Array) -> pa.Array:
        return pa.array([None if v is None else fn(v) for v in values.to_pylist()], type=pa.string())
    return apply


def register_functions(con: duckdb.DuckDBPyConnection) -> None:
    """fold(text) and name_key(name): the same normalisation in SQL as in Python, by construction."""
    for name, fn in (("fold", normalize_text), ("name_key", normalize_name), ("reading", reading)):
        con.create_function(name, _vectorised(fn), ["VARCHAR"], "VARCHAR", type="arrow",
                            null_handling="special", side_effects=False)


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """The fts extension ships in the duckdb-extension-fts wheel; never INSTALLed from the network."""
    import duckdb_extension_fts

    version = duckdb.__version__
    path = Path(duckdb_extension_fts.__file__).parent / "extensions" / f"v{version}" / "fts.duckdb_extension"
    if not path.exists():
        raise RuntimeError(f"fts extension for duckdb {version} not found at {path}: "
                           "duckdb and duckdb-extension-fts versions must match")
    con.execute(f"LOAD '{path}'")


def connect_readonly(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)
