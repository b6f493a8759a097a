"""Exports (issue 8): every dataset as declared, every format, filters, the data package, read-only."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from oshigiin.cli import main
from oshigiin.pipeline.search import engine as search
from oshigiin.pipeline.sharing import datapackage as dp
from oshigiin.pipeline.sharing.export import Filters, export, export_all, export_bytes, opened, select
from tests.conftest import build_demo_db

try:  # tests/ is a plain folder: importable as a package only with the repo root on sys.path
    from tests.sample_db import HOSTILE, build_sample_db
except ImportError:
    from sample_db import HOSTILE, build_sample_db

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """A demo council crawled and loaded as `make run` does it, with questions, topics and elections."""
    return build_demo_db(tmp_path_factory.mktemp("export-demo"))


def sql(db: Path, query: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query, params or {}).fetchall()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


FRICTIONLESS = {"VARCHAR": "string", "INTEGER": "integer", "BIGINT": "integer", "DOUBLE": "number",
                "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP WITH TIME ZONE": "datetime"}


def frictionless_type(duck: str, declared: str) -> str:
    if duck.startswith("DECIMAL"):
        return "number"
    if duck.endswith("[]"):
        return "array"
    if duck == "JSON":  # JSON text: an array or an object, as declared
        return declared if declared in ("array", "object") else "JSON"
    return FRICTIONLESS.get(duck, duck)


def test_every_dataset_has_exactly_its_declared_fields_and_types(demo_db):
    with opened(demo_db) as con:
        for ds in dp.DATASETS.values():
            query, params = select(ds, Filters(query="保育") if ds.requires else Filters())
            described = con.execute(f"DESCRIBE {query}", params).fetchall()
            assert [r[0] for r in described] == ds.field_names, ds.name
            for (name, duck, *_), f in zip(described, ds.fields, strict=True):
                assert frictionless_type(duck, f.type) == f.type, f"{ds.name}.{name}: {duck} is not {f.type}"
                if duck == "JSON":  # JSON text: its values must be what the field says
                    kinds = con.execute(f'SELECT DISTINCT json_type("{name}") FROM ({query}) WHERE "{name}" '
                                        "IS NOT NULL", params).fetchall()
                    assert kinds == [(f.type.upper(),)], f"{ds.name}.{name}: {kinds}"
            assert set(ds.primary_key) <= set(ds.field_names)
            for k in ds.foreign_keys:
                assert set(k.fields) <= set(ds.field_names)
                assert set(k.reference) <= set(dp.DATASETS[k.resource].field_names)


def test_snapshot_keys_hold_and_the_package_describes_the_files(demo_db, tmp_path):
    result = export_all(demo_db, tmp_path / "snap")
    assert result.skipped == ["search"]  # needs a query
    package = json.loads(result.datapackage.read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    assert package["version"] == result.version
    names = {r["name"] for r in package["resources"]}
    assert names == set(dp.DATASETS) - {"search"}
    meetings = sql(demo_db, "SELECT count(*), min(fetched_at), max(fetched_at) FROM meetings")[0]
    con = duckdb.connect()
    for r in package["resources"]:
        path = tmp_path / "snap" / r["path"]
        assert r["hash"] == f"sha256:{sha256(path)}" and r["bytes"] == path.stat().st_size
        assert pq.read_schema(path).names == [f["name"] for f in r["schema"]["fields"]]
        assert all(f["description"] for f in r["schema"]["fields"])
        rows = con.execute(f"SELECT count(*) FROM '{path}'").fetchone()[0]
        assert rows == r["rows"]
        key = ", ".join(r["schema"]["primaryKey"])
        assert con.execute(f"SELECT count(DISTINCT ({key})) FROM '{path}'").fetchone()[0] == rows, r["name"]
        for fk in r["schema"].get("foreignKeys", []):
            target = tmp_path / "snap" / next(x["path"] for x in package["resources"]
                                              if x["name"] == fk["reference"]["resource"])
            here, there = ", ".join(fk["fields"]), ", ".join(fk["reference"]["fields"])
            orphans = con.execute(f"SELECT count(*) FROM '{path}' WHERE ({here}) IS NOT NULL AND ({here}) NOT IN "
                                  f"(SELECT ({there}) FROM '{target}')").fetchone()[0]
            assert orphans == 0, f"{r['name']}.{here} → {fk['reference']['resource']}"
    assert next(r["rows"] for r in package["resources"] if r["name"] == "meetings") == meetings[0]
    assert package["crawl_time_range"]["start"] == meetings[1].astimezone(dp.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert package["licenses"] and "{version}" not in package["citation"] and result.version in package["citation"]
    assert any(s["path"] == "http://127.0.0.1:8765/" for s in package["sources"])  # the council's minutes site
    assert package["fictional"] is True


def test_the_same_data_gives_the_same_bytes_and_version(demo_db, tmp_path):
    first = export_all(demo_db, tmp_path / "a")
    second = export_all(demo_db, tmp_path / "b")
    assert first.version == second.version
    for r in first.resources:
        assert sha256(r.path) == sha256(tmp_path / "b" / r.path.name)
    middle = sql(demo_db, "SELECT median(date) FROM meetings")[0][0]
    narrower = export(demo_db, "speeches", "parquet", tmp_path / "c", Filters(date_from=middle))
    assert 0 < narrower.resources[0].rows < sql(demo_db, "SELECT count(*) FROM speeches")[0][0]
    assert narrower.version != export(demo_db, "speeches", "parquet", tmp_path / "d").version


def test_every_format_holds_the_same_rows(demo_db, tmp_path):
    middle = sql(demo_db, "SELECT median(date) FROM meetings")[0][0]
    f = Filters(council="demo", date_from=middle)
    out = {fmt: export(demo_db, "speeches", fmt, tmp_path / fmt, f) for fmt in dp.FORMATS}
    excel = export(demo_db, "speeches", "csv", tmp_path / "excel", f, excel=True).resources[0].path
    expected = sql(demo_db, "SELECT s.speech_id, s.text FROM speeches s JOIN meetings m USING (meeting_id) "
                            "WHERE m.date >= $d ORDER BY m.date, s.meeting_id, s.seq", {"d": middle})
    assert expected
    plain = out["csv"].resources[0].path.read_bytes()
    assert not plain.startswith(b"\xef\xbb\xbf") and plain.endswith(b"\n")
    assert excel.read_bytes() == b"\xef\xbb\xbf" + plain  # the BOM, then exactly the same file
    rows = list(csv.DictReader(io.StringIO(plain.decode("utf-8"))))
    as_json = json.loads(out["json"].resources[0].path.read_text(encoding="utf-8"))
    lines = [json.loads(x) for x in out["ndjson"].resources[0].path.read_text(encoding="utf-8").splitlines()]
    parquet = pq.read_table(out["parquet"].resources[0].path).to_pylist()
    for records in (rows, as_json, lines, parquet):
        assert [(r["speech_id"], r["text"]) for r in records] == expected
    assert list(rows[0]) == dp.DATASETS["speeches"].field_names
    assert all(r["fetched_at"].endswith("Z") for r in rows + as_json)
    noted = next(i for i, r in enumerate(as_json) if r["annotations"])
    assert json.loads(rows[noted]["annotations"]) == as_json[noted]["annotations"] == lines[noted]["annotations"]
    assert {r["kind"] for r in as_json[noted]["annotations"]} <= {"stage", "time", "separator", "other"}


def test_filters_select_what_they_say(demo_db, tmp_path):
    def ids(dataset, key, **filters):
        result = export(demo_db, dataset, "parquet", tmp_path / dataset, Filters(**filters))
        return sorted(pq.read_table(result.resources[0].path, columns=[key]).column(key).to_pylist())

    person, faction = sql(demo_db, "SELECT person_id, faction FROM members WHERE faction IS NOT NULL "
                                   "ORDER BY person_id LIMIT 1")[0]
    assert ids("speeches", "speech_id", person=person) == sorted(
        r[0] for r in sql(demo_db, "SELECT speech_id FROM speeches WHERE person_id = $p", {"p": person}))
    assert ids("questions", "question_id", faction=faction) == sorted(r[0] for r in sql(demo_db, """
        SELECT question_id FROM questions WHERE person_id IN (SELECT person_id FROM members WHERE faction = $f)
    """, {"f": faction}))
    assert ids("meetings", "meeting_id", date_from="2024-04-01", date_to="2024-06-30") == sorted(
        r[0] for r in sql(demo_db, "SELECT meeting_id FROM meetings WHERE date BETWEEN '2024-04-01' AND '2024-06-30'"))
    topic = sql(demo_db, "SELECT topic FROM question_topics GROUP BY topic ORDER BY count(*) DESC LIMIT 1")[0][0]
    assert ids("questions", "question_id", topic=topic) == sorted(
        r[0] for r in sql(demo_db, "SELECT question_id FROM question_topics WHERE topic = $t", {"t": topic}))
    assert ids("elections", "election_id", council="131121")  # elections filter by area


def test_a_search_export_holds_exactly_the_hits_search_counts(demo_db, tmp_path):
    indexed = tmp_path / "indexed.duckdb"
    shutil.copyfile(demo_db, indexed)
    with duckdb.connect(str(indexed)) as con:
        search.rebuild(con)
    cases = [("保育 OR 幼稚園 -待機", {}), ("空き家", {"council": "demo", "date_from": "2024-01-01"}),
             ("区長", {"topic": "children_education"})]
    with opened(indexed) as con:
        for query, filters in cases:
            kw = {("council_id" if k == "council" else k): v for k, v in filters.items()}
            total = search.search(con, query, facets=False, **kw).total
            result = export(con, "search", "ndjson", tmp_path / "hits", Filters(query=query, **filters))
            assert result.resources[0].rows == total > 0, query


def test_a_filter_that_does_not_apply_is_an_error_and_writes_nothing(demo_db, tmp_path):
    with pytest.raises(ValueError, match="meetings cannot be filtered by faction"):
        export(demo_db, ["speeches", "meetings"], "csv", tmp_path / "x", Filters(faction="何か"))
    with pytest.raises(ValueError, match="search needs the query filter"):
        export(demo_db, "search", "csv", tmp_path / "x")
    with pytest.raises(ValueError, match="date"):
        export(demo_db, "speeches", "csv", tmp_path / "x", Filters(date_from="2024-13-01"))
    with pytest.raises(ValueError, match="CSV only"):
        export(demo_db, "speeches", "parquet", tmp_path / "x", excel=True)
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())


def test_exports_only_read_the_database_even_while_it_is_served(demo_db, tmp_path):
    before = sha256(demo_db)
    siblings = set(demo_db.parent.iterdir())
    dashboard = duckdb.connect(":memory:")  # as dashboard/data.py holds it
    dashboard.execute(f"ATTACH '{demo_db}' AS pub (READ_ONLY)")
    progress = []
    export(demo_db, ["speeches", "questions"], "csv", tmp_path / "out", progress=lambda *a: progress.append(a))
    assert dashboard.execute("SELECT count(*) FROM pub.speeches").fetchone()[0] > 0
    dashboard.close()
    assert sha256(demo_db) == before and set(demo_db.parent.iterdir()) == siblings
    assert {p[0] for p in progress if p[1] == 100.0} == {"speeches", "questions"}
    assert not list((tmp_path / "out").glob(".*partial"))


def test_dashboard_downloads_are_the_export_files(demo_db, tmp_path):
    exported = export(demo_db, "members", "csv", tmp_path, Filters(council="demo"), excel=True).resources[0].path
    con = duckdb.connect(":memory:")
    con.execute(f"ATTACH '{demo_db}' AS pub (READ_ONLY)")
    with con.cursor() as cur:
        cur.execute("USE pub")
        assert export_bytes(cur, "members", "csv", Filters(council="demo"), excel=True) == exported.read_bytes()
        bundle = zipfile.ZipFile(io.BytesIO(export_bytes(cur, "members", "csv", Filters(council="demo"),
                                                         package=True)))
    assert sorted(bundle.namelist()) == ["datapackage.json", "members.csv"]
    described = json.loads(bundle.read("datapackage.json"))
    assert described["resources"][0]["encoding"] == "utf-8" and described["filters"] == {"council": "demo"}


def test_json_stays_valid_with_hostile_text_and_older_databases_export(tmp_path):
    db = build_sample_db(tmp_path / "sample.duckdb")
    result = export_all(db, tmp_path / "snap", fmt="json")
    assert {"elections", "election_results", "candidate_members"} <= set(result.skipped)  # no election tables
    speeches = json.loads((tmp_path / "snap" / "speeches.json").read_text(encoding="utf-8"))
    assert HOSTILE in [s["text"] for s in speeches]


def test_data_dictionary_is_generated_from_the_definitions():
    committed = (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == dp.dictionary(), "run: .venv/bin/python -m oshigiin.pipeline.sharing.datapackage"
    for ds in dp.DATASETS.values():
        assert f"## `{ds.name}`" in committed and all(f"| `{f.name}` |" in committed for f in ds.fields)


def test_cli_exports_and_explains_errors(demo_db, tmp_path):
    runner = CliRunner()
    ok = runner.invoke(main, ["export", "questions", "--council", "demo", "--from", "2024-01-01", "--excel",
                              "--out", str(tmp_path / "q"), "--db", str(demo_db)])
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "q" / "questions.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "datapackage.json  version" in ok.output
    snapshot = runner.invoke(main, ["export", "--all", "--out", str(tmp_path / "all"), "--db", str(demo_db)])
    assert snapshot.exit_code == 0 and (tmp_path / "all" / "speeches.parquet").exists()
    for args, message in ((["nothing"], "unknown dataset"), (["search"], "needs the query filter"),
                          (["--all", "speeches"], "--all exports every dataset"),
                          (["speeches", "--member", "x", "--format", "json"], None)):
        result = runner.invoke(main, ["export", *args, "--out", str(tmp_path / "e"), "--db", str(demo_db)])
        if message:
            assert result.exit_code != 0 and message in result.output
        else:
            assert result.exit_code == 0 and json.loads((tmp_path / "e" / "speeches.json").read_text()) == []


# -- issue 13 item 5: the search page's filters; its legal rule; issue 14 item 8: Excel formulas --------------

def test_a_search_export_applies_meeting_and_speech_kind_as_the_engine_does(demo_db, tmp_path):
    indexed = tmp_path / "indexed.duckdb"
    shutil.copyfile(demo_db, indexed)
    with duckdb.connect(str(indexed)) as con:
        search.rebuild(con)
    combos = [{}, {"meeting_kind": "本会議"}, {"kind": "answer"}, {"meeting_kind": "本会議", "kind": "answer"},
              {"meeting_kind": "委員会", "kind": "question", "date_from": "2024-01-01"}]
    counts = set()
    with opened(indexed) as con:
        for combo in combos:
            total = search.search(con, "保育", facets=False, **combo).total
            rows = export(con, "search", "csv", tmp_path / "s", Filters(query="保育", **combo)).resources[0].rows
            assert rows == total > 0, combo
            counts.add(total)
    assert len(counts) == len(combos)  # each filter narrowed something: the comparison means something


def test_one_member_gets_headlines_and_excerpts_never_compiled_full_texts(demo_db, tmp_path):
    """著作権法40条1項: compiling one speaker's statements is excluded; 32条: quotation with the source."""
    person = sql(demo_db, "SELECT person_id FROM speeches WHERE person_id IS NOT NULL GROUP BY 1 "
                          "ORDER BY max(length(text)) DESC, 1 LIMIT 1")[0][0]
    result = export(demo_db, ["speeches", "questions", "search"], "csv", tmp_path / "one",
                    Filters(person=person, query="区"))
    texts = {r[0]: r[1] for r in sql(demo_db, "SELECT speech_id, text FROM speeches WHERE person_id = ?", [person])}
    assert max(len(t) for t in texts.values()) > 120  # there is a long speech to cut
    for name in ("speeches", "search"):
        with open(tmp_path / "one" / f"{name}.csv", encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        assert rows and "text" not in rows[0] and "annotations" not in rows[0]
        for r in rows:
            assert len(r["excerpt"]) <= 120 and r["source_url"].startswith("http")
            flat = " ".join(texts[r["speech_id"]].replace("\u3000", " ").split())
            assert flat.startswith(r["excerpt"].rstrip("…")), r["speech_id"]
        assert any(r["headline"] for r in rows)  # the question's headline where the speech is part of one
    with open(tmp_path / "one" / "questions.csv", encoding="utf-8", newline="") as f:
        items = [json.loads(r["items"]) for r in csv.DictReader(f)]
    assert items and all(set(i) <= {"no", "heading"} for q in items for i in q)
    package = json.loads((tmp_path / "one" / "datapackage.json").read_text(encoding="utf-8"))
    described = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in package["resources"]}
    assert "excerpt" in described["speeches"] and "text" not in described["speeches"]
    # Across speakers (a faction, a query) the full text stays.
    across = export(demo_db, "speeches", "parquet", tmp_path / "all", Filters(query="区")).resources[0].path
    assert "text" in pq.read_table(across).column_names
    assert result.resources[0].rows == sql(demo_db, "SELECT count(*) FROM speeches WHERE person_id = ? "
                                                    "AND contains(text_norm, '区')", [person])[0][0]


HOSTILE_CELLS = ['=HYPERLINK("http://example.invalid","x")', "+81 3 1234", "-1+1", "@SUM(A1)", "\tタブ",
                 "\r改行", "普通の発言"]


def test_excel_csv_defuses_formulas_and_plain_csv_and_parquet_stay_exact(demo_db, tmp_path):
    db = tmp_path / "hostile.duckdb"
    shutil.copyfile(demo_db, db)
    with duckdb.connect(str(db)) as con:
        ids = [r[0] for r in con.execute("SELECT speech_id FROM speeches ORDER BY speech_id LIMIT ?",
                                         [len(HOSTILE_CELLS)]).fetchall()]
        for speech_id, text in zip(ids, HOSTILE_CELLS, strict=True):
            con.execute("UPDATE speeches SET text = ?, speaker_name = ? WHERE speech_id = ?", [text, text, speech_id])
    plain = export(db, "speeches", "csv", tmp_path / "plain").resources[0].path
    excel = export(db, "speeches", "csv", tmp_path / "excel", excel=True)
    parquet = export(db, "speeches", "parquet", tmp_path / "pq").resources[0].path

    def cells(path: Path, encoding: str) -> dict[str, dict]:
        with open(path, encoding=encoding, newline="") as f:
            return {r["speech_id"]: r for r in csv.DictReader(f)}

    plain_rows, excel_rows = cells(plain, "utf-8"), cells(excel.resources[0].path, "utf-8-sig")
    table = pq.read_table(parquet, columns=["speech_id", "text"]).to_pylist()
    exact = {r["speech_id"]: r["text"] for r in table}
    for speech_id, text in zip(ids, HOSTILE_CELLS, strict=True):
        assert plain_rows[speech_id]["text"] == text and exact[speech_id] == text
        guarded = text if text == "普通の発言" else "'" + text
        assert excel_rows[speech_id]["text"] == guarded and excel_rows[speech_id]["speaker_name"] == guarded
    # Nothing else differs: every other cell of the Excel file is the plain file's.
    for speech_id, row in plain_rows.items():
        if speech_id not in ids:
            assert excel_rows[speech_id] == row
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    package = json.loads(excel.datapackage.read_text(encoding="utf-8"))
    assert "prefixed with '" in package["resources"][0]["description"]
    assert "description" not in json.loads((tmp_path / "plain" / "datapackage.json").read_text())["resources"][0]
