"""Every command explains itself (as sqlite-utils' tests/test_docs.py does)."""

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
    import json
    path = minutes_fixtures / "discussnet-ssp" / "saas" / "minute.json"
    result = CliRunner().invoke(main, ["parse-page", "discussnet", "minute", str(path)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    speeches = records[1:]
    assert len(speeches) == 20
    assert all({"speaker_raw", "speaker_name", "speaker_role", "text"} <= r.keys() for r in speeches)
