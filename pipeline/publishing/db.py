"""DuckDB connections: the schema and the normalisation functions SQL calls."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from oshigiin.minutes import annotations
from oshigiin.minutes.normalize import normalize_name, normalize_text, reading

SCHEMA = (Path(__file__).with_name("schema.sql")).read_text(encoding="utf-8")


def _vectorised(fn):
    def apply(values: pa.Array) -> pa.Array:
        return pa.array([None if v is None else fn(v) for v in values.to_pylist()], type=pa.string())
    return apply


_ANNOTATION = pa.struct([("kind", pa.string()), ("at", pa.int32()), ("raw", pa.string())])
_ANNOTATED = pa.struct([("text", pa.string()), ("annotations", pa.list_(_ANNOTATION))])


def _annotate(values: pa.Array) -> pa.Array:
    out = []
    for v in values.to_pylist():
        text, notes = annotations.split(v or "")
        out.append({"text": text, "annotations": notes})
    return pa.array(out, type=_ANNOTATED)


def register_functions(con: duckdb.DuckDBPyConnection) -> None:
    """fold(text) and name_key(name): the same normalisation in SQL as in Python, by construction;
    annotate(text): the spoken text and its stage directions, times and separators (minutes/annotations.py)."""
    for name, fn in (("fold", normalize_text), ("name_key", normalize_name), ("reading", reading)):
        con.create_function(name, _vectorised(fn), ["VARCHAR"], "VARCHAR", type="arrow",
                            null_handling="special", side_effects=False)
    note = duckdb.struct_type({"kind": "VARCHAR", "at": "INTEGER", "raw": "VARCHAR"})
    con.create_function("annotate", _annotate, ["VARCHAR"],
                        duckdb.struct_type({"text": "VARCHAR", "annotations": duckdb.list_type(note)}),
                        type="arrow", null_handling="special", side_effects=False)


def connect_readonly(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)
