"""The council registry: councils as data, found by code or name, added from a URL."""

import pytest

from oshigiin.registry import RefusedURL, UnknownCouncil, add_council, find_council, load_registry, recognise


def test_every_tokyo_ward_is_registered_with_its_code():
    councils = {c.code: c for c in load_registry()}
    wards = [c for c in councils.values() if c.code.startswith("131")]
    assert len(wards) == 23
    assert councils["131121"].name == "世田谷区" and councils["131121"].platform == "voices"
    assert councils["demo"].fictional


@pytest.mark.parametrize("key", ["131121", "世田谷区", "世田谷", "１３１１２１"])
def test_find_by_code_or_name(key):
    assert find_council(key).code == "131121"


def test_unknown_council_names_the_known_ones():
    with pytest.raises(UnknownCouncil, match="世田谷区"):
        find_council("どこでもない市")


@pytest.mark.parametrize(("url", "platform", "base", "tenant"), [
    ("https://ssp.kaigiroku.net/tenant/hakodate/SpTop.html", "discussnet", "https://ssp.kaigiroku.net/", "hakodate"),
    ("https://ssp.kaigiroku.net/tenant/shinjuku/MinuteView.html?council_id=3193&schedule_id=3",
     "discussnet", "https://ssp.kaigiroku.net/", "shinjuku"),
    ("http://giji.city.yokohama.lg.jp/tenant/yokohama/", "discussnet", "http://giji.city.yokohama.lg.jp/", "yokohama"),
    ("https://kugi.city.setagaya.tokyo.jp/voices/", "voices", "https://kugi.city.setagaya.tokyo.jp/voices/", None),
    ("https://tsukuba.gijiroku.com/voices/cgi/voiweb.exe?ACT=203&FINO=2736", "voices",
     "https://tsukuba.gijiroku.com/voices/", None),
    ("http://www2.city.hachinohe.aomori.jp/kaigiroku/voices/g07v_search.asp", "voices",
     "http://www2.city.hachinohe.aomori.jp/kaigiroku/voices/", None),
    ("https://www.kensakusystem.jp/meguro/index.html", "kensakusystem",
     "https://www.kensakusystem.jp/meguro/", "meguro"),
    ("https://www.city.chiyoda.dbsr.jp/index.php/", "dbsearch", "https://www.city.chiyoda.dbsr.jp/index.php/", None),
    ("https://kokkai.ndl.go.jp/api/meeting?any=保育", "kokkai", "https://kokkai.ndl.go.jp/", None),
])
def test_platform_recognised_from_url(url, platform, base, tenant):
    assert recognise(url) == {"platform": platform, "base_url": base, "tenant": tenant}


def test_add_council_appends_and_keeps_the_file(tmp_path):
    path = tmp_path / "councils.toml"
    path.write_text('# kept\n[[council]]\ncode = "demo"\nname = "架空区"\nplatform = "discussnet"\n', encoding="utf-8")
    council = add_council("012025", "函館市", "https://ssp.kaigiroku.net/tenant/hakodate/", "北海道", path)
    assert (council.platform, council.tenant) == ("discussnet", "hakodate")
    assert path.read_text(encoding="utf-8").startswith("# kept")
    with pytest.raises(ValueError, match="already"):
        add_council("012025", "函館市", "https://ssp.kaigiroku.net/tenant/hakodate/", path=path)
    with pytest.raises(ValueError, match="6 digits"):
        add_council("12", "x", "https://ssp.kaigiroku.net/tenant/x/", path=path)
    with pytest.raises(ValueError, match="does not look like"):
        add_council("012033", "小樽市", "https://example.org/minutes", path=path)


# -- issue 14.9: registry writes through a TOML library; local addresses refused ----------------------

HAKODATE = "https://ssp.kaigiroku.net/tenant/hakodate/"


def _registry(tmp_path):
    path = tmp_path / "councils.toml"
    path.write_text('# kept\n[[council]]\ncode = "demo"  # a comment\nname = "架空区"\nplatform = "discussnet"\n',
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ['函館"市', "函館\n市", '函館市"\ndownload_delay = 0.0\nroster_url = "http://169.254.169.254/"\n#',
                                  "函館\\市", "函館\t市 '' \"\"\" ]]"])
def test_any_name_round_trips_and_injects_nothing(tmp_path, name):
    """Before: a name with `"` corrupted the file (every command then failed) and a crafted one added keys."""
    path = _registry(tmp_path)
    council = add_council("012025", name, HAKODATE, "北海道", path)
    assert council.name == name
    assert council.download_delay is None and council.roster_url is None and council.extra == {}
    assert [c.code for c in load_registry(path)] == ["demo", "012025"]
    assert path.read_text(encoding="utf-8").startswith('# kept\n[[council]]\ncode = "demo"  # a comment\n')


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8765/tenant/x/", "http://localhost/tenant/x/", "http://169.254.169.254/tenant/x/",
    "http://10.0.0.5/tenant/x/", "http://192.168.1.1/voices/", "http://[::1]/tenant/x/", "http://0x7f.1/tenant/x/",
    "http://2130706433/tenant/x/", "http://[::ffff:127.0.0.1]/tenant/x/", "http://0.0.0.0/tenant/x/",
    "http://printer.local/voices/",
])
def test_local_and_private_hosts_are_refused(tmp_path, url):
    path = _registry(tmp_path)
    before = path.read_bytes()
    with pytest.raises(RefusedURL):
        add_council("012025", "函館市", url, path=path)
    with pytest.raises(RefusedURL, match="roster_url"):
        add_council("012025", "函館市", HAKODATE, path=path, roster_url=url.replace("/tenant/x/", "/meibo.html"))
    assert path.read_bytes() == before


def test_roster_url_on_a_public_host_is_kept(tmp_path):
    path = _registry(tmp_path)
    council = add_council("012025", "函館市", HAKODATE, path=path, roster_url="https://www.city.hakodate.hokkaido.jp/m/")
    assert council.roster_url == "https://www.city.hakodate.hokkaido.jp/m/"


def test_a_write_that_does_not_read_back_leaves_the_registry_untouched(tmp_path, monkeypatch):
    import oshigiin.registry as registry

    path = _registry(tmp_path)
    before = path.read_bytes()
    monkeypatch.setattr(registry.tomlkit, "dumps", lambda doc: before.decode() + '[[council]]\ncode = "x"\n')
    with pytest.raises(ValueError, match="did not read back"):
        add_council("012025", "函館市", HAKODATE, path=path)
    assert path.read_bytes() == before and not list(tmp_path.glob(".*.tmp"))


def test_add_council_command_refuses_a_local_host(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from oshigiin.cli import main

    path = _registry(tmp_path)
    monkeypatch.setenv("OSHIGIIN_COUNCILS", str(path))
    run = CliRunner().invoke(main, ["add-council", "http://169.254.169.254/tenant/x/", "--code", "012025",
                                    "--name", '函館"市'])
    assert run.exit_code != 0 and "link-local" in run.output
    run = CliRunner().invoke(main, ["add-council", HAKODATE, "--code", "012025", "--name", '函館"市'])
    assert run.exit_code == 0, run.output
    assert [c.name for c in load_registry(path)] == ["架空区", '函館"市']
