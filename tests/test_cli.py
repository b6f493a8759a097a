"""Every command explains itself (as sqlite-utils' tests/test_docs.py does)."""

import json
import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from oshigiin.cli import main


def all_commands(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
        yield (*prefix, name), cmd
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, (*prefix, name))


COMMANDS = list(all_commands(main))


@pytest.mark.parametrize(("path", "cmd"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help(path, cmd):
    assert cmd.help and len(cmd.help.strip()) > 20
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_unknown_council_is_a_clear_error():
    result = CliRunner().invoke(main, ["crawl", "存在しない市", "--no-load"])
    assert result.exit_code != 0
    assert "not in the registry" in result.output


def test_parse_page_prints_json_lines(minutes_fixtures):
    path = minutes_fixtures / "discussnet-ssp" / "saas" / "minute.json"
    result = CliRunner().invoke(main, ["parse-page", "discussnet", "minute", str(path)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    speeches = records[1:]
    assert len(speeches) == 20
    assert all({"speaker_raw", "speaker_name", "speaker_role", "text"} <= r.keys() for r in speeches)


def test_a_crawl_that_yields_nothing_fails(data_dir):
    """Nothing listens on port 9: every request fails, and the command says so with exit 1."""
    result = subprocess.run(
        [sys.executable, "-m", "oshigiin", "crawl", "demo", "--base-url", "http://127.0.0.1:9/", "--no-cache",
         "--no-load"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "OSHIGIIN_DATA": str(data_dir)})
    assert result.returncode == 1
    assert "listed no sittings" in result.stderr
    logs = list(data_dir.glob("staging/demo/*/fetch_log.ndjson"))
    assert logs and "network_error" in logs[0].read_text()
