"""Real Scrapy crawls of the JFIT and DiscussVision spiders over HTTP, against a local replay of
constructed pages (tests/video_pages, see its README), then the load: segments linked to sittings
and questions, captions aligned, a second load all noops."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import pytest

from oshigiin.pipeline.publishing.load import load
from oshigiin.runs import new_run
from tests.registry import write_registry
from tests.video_replay import VideoReplay


def crawl(registry: str, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "oshigiin", "crawl", "recorded", "--no-cache", "--no-load", *args],
                          env={**os.environ, "OSHIGIIN_COUNCILS": registry}, capture_output=True, text=True,
                          timeout=120)


def staged(data_dir, spider: str, name: str) -> list[dict]:
    (run,) = [d for d in (data_dir / "staging" / "recorded").iterdir() if f"-{spider}-" in d.name]
    path = run / f"{name}.ndjson"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_jfit_crawl(data_dir, tmp_path):
    with VideoReplay() as site:
        registry = write_registry(tmp_path, video_platform="jfit", video_url=site.url, download_delay=0.0)
        result = crawl(registry)
        log = list(site.request_log)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "jfit: 3 sittings listed" in result.stdout
    # Bounded and polite: robots.txt, the list, two sessions' days, three days (one of them missing).
    paths = [p for p, _ in log]
    assert paths[0] == "/robots.txt" and len(log) == 7
    assert sum(1 for p in paths if "gikai_days_list" in p) == 2  # the list repeats a session: fetched once

    segments = staged(data_dir, "jfit", "video_segments")
    got = sorted((s["date"], s["order"], s["ext_id"], s["speaker_name"], s["meeting"], s["session"]) for s in segments)
    assert got == [
        ("2023-12-05", 1, "1001", "田中次郎", "本会議", "令和5年第4回定例会"),
        ("2024-02-22", 1, "1058", "佐藤花子", "本会議", "令和6年第1回定例会"),
        ("2024-02-22", 2, "1059", "髙橋一郎", "本会議", "令和6年第1回定例会"),
        ("2024-02-22", 3, "1060", "鈴木まさし", "本会議", "令和6年第1回定例会"),
    ]
    first = next(s for s in segments if s["ext_id"] == "1058")
    assert first["segment_url"] == site.url + "?tpl=play_vod&inquiry_id=1058"
    assert first["source_url"].startswith(site.url + "?tpl=gikai_result") and first["fetched_at"]
    assert first["speaker_raw"] == "佐藤花子議員" and first["faction"] == "記録市民の会" and first["start_seconds"] == 0

    failures = [f for f in staged(data_dir, "jfit", "fetch_log") if f["outcome"] != "ok"]
    assert [(f["reason"], "gikai_day_id=102" in f["url"]) for f in failures] == [("HTTP 404", True)]


def test_jfit_media_sources_when_asked(data_dir, tmp_path):
    with VideoReplay() as site:
        registry = write_registry(tmp_path, video_platform="jfit", video_url=site.url, download_delay=0.0)
        result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "jfit", "-a", "council=recorded",
                                 "-a", "media=1", "-a", "years=2024"],
                                env={**os.environ, "OSHIGIIN_COUNCILS": registry}, capture_output=True, text=True,
                                timeout=120)
        log = [p for p, _ in site.request_log]
    assert result.returncode == 0, result.stderr[-2000:]
    assert not any("gikai_id=30" in p for p in log)  # 2023's session not opened
    segments = {s["ext_id"]: s for s in staged(data_dir, "jfit", "video_segments")}
    # Every segment staged; the one player page there gives its HLS source, the others failed on the record.
    assert set(segments) == {"1058", "1059", "1060"}
    assert segments["1058"]["media_url"].endswith("/1058/index.m3u8") and segments["1059"]["media_url"] is None


def test_robots_txt_forbids_the_video_site(data_dir, tmp_path):
    with VideoReplay(robots="User-agent: *\nDisallow: /\n") as site:
        registry = write_registry(tmp_path, video_platform="jfit", video_url=site.url, download_delay=0.0)
        result = crawl(registry)
        log = [p for p, _ in site.request_log]
    assert log == ["/robots.txt"]
    assert result.returncode != 0 and "robots.txt forbids" in result.stderr
    pages = {f["outcome"] for f in staged(data_dir, "jfit", "fetch_log") if not f["url"].endswith("/robots.txt")}
    assert pages == {"robots_forbidden"}


def write_minutes(data_dir) -> None:
    """A 記録市 sitting of 2024-02-22 as a minutes spider stages it: two members ask, the mayor answers."""
    _, run, _ = new_run("recorded", "discussnet")
    speeches = [
        ("1", "○議長（山田太郎）", "山田太郎", "議長", "procedural", "次に、佐藤花子議員。"),
        ("2", "◆１番（佐藤花子議員）", "佐藤花子", None, "question",
         "記録市民の会の佐藤花子です。防災について伺います。避難所の備蓄は十分でしょうか。"),
        ("3", "◎市長（木村一）", "木村一", "市長", "answer", "お答えいたします。備蓄は計画どおりです。"),
        ("4", "○議長（山田太郎）", "山田太郎", "議長", "procedural", "次に、高橋一郎議員。"),
        ("5", "◆２番（高橋一郎議員）", "高橋一郎", None, "question", "公園について伺います。"),
        ("6", "◎市長（木村一）", "木村一", "市長", "answer", "公園は整備いたします。"),
    ]
    meeting = {
        "council_id": "recorded", "platform": "discussnet", "ext_council_id": "500", "ext_schedule_id": "7",
        "title": "令和6年第1回定例会 02月22日-02号", "kind": "本会議", "session": "令和6年第1回定例会",
        "committee": None, "date": "2024-02-22", "number": 2, "source_url": "https://minutes.invalid/7",
        "api_url": "https://minutes.invalid/7",
        "fetched_at": "2024-03-01T00:00:00+00:00",
        "speeches": [{"ext_minute_id": m, "seq": int(m), "speaker_raw": raw, "speaker_name": name, "speaker_role": role,
                      "seat": None, "kind": kind, "text": text, "source_url": f"https://minutes.invalid/7#{m}"}
                     for m, raw, name, role, kind, text in speeches],
        "attendance": [{"seat": 1, "name": "佐藤花子", "status": "present"},
                       {"seat": 2, "name": "高橋一郎", "status": "present"},
                       {"seat": 3, "name": "山田太郎", "status": "present"}],
    }
    (run / "meetings.ndjson").write_text(json.dumps(meeting, ensure_ascii=False) + "\n", encoding="utf-8")


def test_discussvision_crawl_then_load_links_and_aligns(data_dir, tmp_path):
    with VideoReplay() as site:
        registry = write_registry(tmp_path, video_platform="discussvision", video_url=site.url, video_tenant="kiroku",
                                  download_delay=0.0)
        result = crawl(registry)
        log = [p for p, _ in site.request_log]
    assert result.returncode == 0, result.stderr[-2000:]
    assert "discussvision: 2 sittings listed" in result.stdout
    assert log[:2] == ["/robots.txt", "/dvsapi/yearlist?tenant_id=kiroku"]
    segments = {s["ext_id"]: s for s in staged(data_dir, "discussvision", "video_segments")}
    assert set(segments) == {"77-3-1", "77-3-2", "77-3-3", "76-9-4"}  # a failed caption file loses no segment
    sato = segments["77-3-2"]
    assert sato["segment_url"] == (site.url + "smart/tenant/kiroku/speech.html?council_id=77&schedule_id=3"
                                   "&playlist_id=2")
    assert sato["captions"][1] == [6.5, 10.0, "防災について伺います"]
    assert segments["77-3-3"]["captions"] is None and segments["77-3-3"]["start_seconds"] == 2470.0
    failed = [f for f in staged(data_dir, "discussvision", "fetch_log") if f["outcome"] != "ok"]
    assert [f["url"].rsplit("/", 1)[-1] for f in failed] == ["missing.vtt"]

    # The load links each segment to its sitting and question (高橋 printed 髙橋 by the video site).
    monkey_env = {"OSHIGIIN_COUNCILS": registry}
    os.environ.update(monkey_env)
    try:
        write_minutes(data_dir)
        report = load(["recorded"])
        con = duckdb.connect(str(data_dir / "oshigiin.duckdb"), read_only=True)
        rows = {r[0]: r[1:] for r in con.execute(
            "SELECT ext_id, meeting_id, speech_id, question_id IS NOT NULL, match, person_id FROM video_segments"
        ).fetchall()}
        times = con.execute("SELECT speech_id, seconds FROM video_speech_times ORDER BY seconds").fetchall()
        con.close()
        again = load(["recorded"])
        # A re-crawl leaves the settled schedules the database holds alone: listings only, no captions.
        (tmp_path / "again").mkdir()
        with VideoReplay() as site2:
            registry2 = write_registry(tmp_path / "again", video_platform="discussvision", video_url=site2.url,
                                       video_tenant="kiroku", download_delay=0.0)
            recrawl = crawl(registry2)
            relog = [p for p, _ in site2.request_log]
    finally:
        os.environ.pop("OSHIGIIN_COUNCILS", None)
    sitting = "recorded-discussnet-500-7"
    assert report.counts["video_segments"]["insert"] == 4
    assert rows["77-3-2"] == (sitting, f"{sitting}-2", True, "member", "recorded:佐藤花子")
    assert rows["77-3-3"] == (sitting, f"{sitting}-5", True, "member", "recorded:高橋一郎")
    assert rows["77-3-1"] == (sitting, None, False, "sitting", None)    # no speaker: the sitting only
    # No minutes of that day: no sitting or speech guessed, but the member it names is found by name.
    assert rows["76-9-4"] == (None, None, False, "no-sitting", "recorded:佐藤花子")
    # Captions: the question opens at 3.0 s (its first cue); the answer two characters into its cue
    # 「区長　お答えいたします」 (62.25–65.0 s, 10 characters), after the 区長 the captioner typed.
    assert times[:2] == [(f"{sitting}-2", 3.0), (f"{sitting}-3", 62.8)]
    assert again.counts["video_segments"] == {"insert": 0, "update": 0, "noop": 4, "delete": 0}
    assert not again.published
    assert recrawl.returncode == 0, recrawl.stderr[-2000:]
    assert "discussvision: 2 sittings listed, 2 already held" in recrawl.stdout
    assert not any("/vtt/" in p for p in relog) and len(relog) == 4  # robots, yearlist, two years


@pytest.mark.parametrize("field", ["video_platform"])
def test_registry_names_a_platform_for_every_ward(field):
    from oshigiin.registry import PLATFORMS, load_registry, video_sources

    wards = [c for c in load_registry() if c.code.startswith("131")]
    assert len(wards) == 23
    for c in wards:
        sources = video_sources(c)
        assert sources and all(s.platform in PLATFORMS and s.source for s in sources), c.name


def test_councils_command_shows_each_wards_video_platform():
    from click.testing import CliRunner

    from oshigiin.cli import main

    result = CliRunner().invoke(main, ["councils"])
    assert result.exit_code == 0, result.output
    wards = [line for line in result.output.splitlines() if line.startswith("131")]
    assert len(wards) == 23 and all("video: " in w and "video: —" not in w for w in wards)
    assert any("video: jfit (crawlable)" in w for w in wards if "世田谷区" in w)
