"""The council registry: councils as data, found by code or name, added from a URL."""

import pytest

from pipeline.registry import UnknownCouncil, add_council, find_council, load_registry, recognise


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
