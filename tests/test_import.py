"""`oshigiin import`: downloaded minutes text in Shift_JIS or UTF-8, loaded like a crawl."""

import os
import re
import subprocess
import sys

import duckdb


def run(*args, env):
    return subprocess.run([sys.executable, "-m", "oshigiin", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})


def test_import_kensakusystem_statements_in_shift_jis(minutes_fixtures, data_dir, tmp_path):
    text = (minutes_fixtures / "kensakusystem" / "sapphire" / "statements.txt").read_text(encoding="utf-8")
    sjis = tmp_path / "meguro-2025-02-17.txt"
    sjis.write_bytes(text.replace("\n", "\r\n").encode("cp932"))  # as the server sends it
    broken = tmp_path / "not-minutes.txt"
    broken.write_text("<html>エラーが発生しました</html>", encoding="utf-8")
    env = {"OSHIGIIN_DATA": str(data_dir)}

    result = run("import", "kensakusystem", str(sjis), str(broken), "--council", "目黒区", env=env)
    assert result.returncode == 0, result.stderr
    assert "1 sittings, 25 speeches, 1 files failed" in result.stdout
    con = duckdb.connect(str(data_dir / "oshigiin.duckdb"), read_only=True)
    (title, day), = con.execute("SELECT title, strftime(date, '%Y-%m-%d') FROM meetings").fetchall()
    assert day == "2025-02-17" and title.startswith("令和7年第1回定例会")
    speakers = {r[0] for r in con.execute("SELECT speaker_name FROM speeches WHERE speaker_role = '区長'").fetchall()}
    assert speakers == {"青木英二"}
    assert con.execute("SELECT count(*) FROM attendance WHERE status = 'present'").fetchone()[0] >= 30
    con.close()

    # A second import of the same download changes nothing: the sitting's id comes from its date and title.
    again = run("import", "kensakusystem", str(sjis), "--council", "131105", env=env)
    assert again.returncode == 0, again.stderr
    assert re.search(r"^meetings\s+0\s+0\s+1\s+0$", again.stdout, re.M)
    assert re.search(r"^speeches\s+0\s+0\s+25\s+0$", again.stdout, re.M)


# -- issue 14.6 and 14.10: two files of one sitting; where an import says it came from ----------------

def _parts(minutes_fixtures, tmp_path):
    """The real statements cut into two files as a browser saves a sitting in two parts: the same
    開催日 and 会議名 heading each, the first with the 名簿 and the first speeches, the second the rest."""
    lines = (minutes_fixtures / "kensakusystem" / "sapphire" / "statements.txt").read_text(
        encoding="utf-8").splitlines(keepends=True)
    first, second = tmp_path / "part1.txt", tmp_path / "part2.txt"
    first.write_text("".join(lines[:220]), encoding="utf-8")
    second.write_text("".join(lines[:2] + ["\n"] + lines[220:]), encoding="utf-8")
    return first, second


def _held(db):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT count(DISTINCT m.meeting_id), count(s.speech_id), any_value(m.source_url), "
                           "any_value(m.fetched_at) FROM meetings m LEFT JOIN speeches s USING (meeting_id)").fetchone()


def test_two_files_of_one_sitting_never_overwrite_each_other(minutes_fixtures, data_dir, tmp_path):
    import hashlib
    import time
    from datetime import UTC, datetime

    from oshigiin.minutes.parsers.textfile import document_key, parse_text_minutes

    first, second = _parts(minutes_fixtures, tmp_path)
    a, b = (parse_text_minutes(p.read_bytes()) for p in (first, second))
    assert document_key(a) == document_key(b) and len(a["speeches"]) != len(b["speeches"])
    env = {"OSHIGIIN_DATA": str(data_dir)}
    db = data_dir / "oshigiin.duckdb"
    began = datetime.now(UTC)

    # Before: "2 sittings, … speeches" and one meeting holding one part's speeches, either part.
    both = run("import", "kensakusystem", str(first), str(second), "--council", "目黒区", env=env)
    assert both.returncode == 1, both.stdout
    assert "import: 1 sittings" in both.stdout
    assert "part2.txt: refused" in both.stderr and "part1.txt" in both.stderr and "--replace" in both.stderr
    assert _held(db)[:2] == (1, len(a["speeches"]))

    # A later import of the other part is refused too: the first part's speeches stay.
    later = run("import", "kensakusystem", str(second), "--council", "目黒区", env=env)
    assert later.returncode == 1 and "imported before from import:sha256:" in later.stderr
    assert _held(db)[:2] == (1, len(a["speeches"]))

    # The same file again is a noop; a corrected download replaces the sitting when the user says so —
    # even with an mtime years older (fetched_at is the import's time, and runs are ordered by sequence).
    assert run("import", "kensakusystem", str(first), "--council", "目黒区", env=env).returncode == 0
    old = time.mktime((2001, 1, 1, 0, 0, 0, 0, 0, 0))
    os.utime(second, (old, old))
    replaced = run("import", "kensakusystem", str(second), "--council", "目黒区", "--replace", env=env)
    assert replaced.returncode == 0, replaced.stderr
    meetings, speeches, url, fetched_at = _held(db)
    assert (meetings, speeches) == (1, len(b["speeches"]))
    assert fetched_at >= began
    assert url == f"import:sha256:{hashlib.sha256(second.read_bytes()).hexdigest()}/part2.txt"


def test_imports_publish_no_local_paths(minutes_fixtures, data_dir, tmp_path):
    first, _ = _parts(minutes_fixtures, tmp_path)
    named = tmp_path / "会議録 #1.txt"
    named.write_bytes(first.read_bytes())
    result = run("import", "kensakusystem", str(named), "--council", "目黒区", env={"OSHIGIIN_DATA": str(data_dir)})
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(data_dir / "oshigiin.duckdb"), read_only=True) as con:
        urls = [r[0] for t in ("meetings", "speeches", "attendance", "fetch_log")
                for r in con.execute(f"SELECT source_url FROM {t}" if t != "fetch_log" else
                                     "SELECT url || coalesce(archive_path, '') FROM fetch_log").fetchall()]
    assert urls and not [u for u in urls if "file:" in u or str(tmp_path) in u]
    assert all(u.startswith("import:sha256:") and "/会議録%20%231.txt" in u for u in urls)
