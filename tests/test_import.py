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
