"""The demo council's council video: a JFIT-style index of every question, and one
DiscussVision-style playlist with WebVTT captions — the index and tiny caption files only, no media.

Generated from the same sittings the DiscussNet facade serves (demo/generator.py), so the real
spiders crawl it and the real matcher links it. The recording of a sitting is simulated: each
speech block is spoken at SPEECH_RATE characters a second with a pause between blocks; a segment is
one questioner's part of the sitting, from their first question until the next questioner's. The
captions are the spoken text as a captioner would type it (fillers kept, some characters misheard,
punctuation dropped), cut into cues; `truth()` says where each speech really starts, so the
alignment error can be measured (bench/video_match.py).

    /jfit/?kaigi_id=1&tpl=gikai_list                          sessions with questions
    /jfit/?tpl=gikai_days_list&gikai_id=<会議 id>              their question days
    /jfit/?tpl=gikai_result&gikai_id=<会議 id>&day_id=<日程 id> a row per segment
    /jfit/?tpl=play_vod&inquiry_id=<id>                       the player page (div#bm_data; no media)
    /dvsapi/yearlist, /dvsapi/councilrd/all                   one sitting's playlist
    /dvsapi/vtt/<tenant>/<name>.vtt                           its captions
    /smart/tenant/<tenant>/speech.html?…                      the viewer page
"""

from __future__ import annotations

import base64
import functools
import html
import json
import random
import re
import statistics
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

from oshigiin.pipeline.video.evaluation import order_only, pr
from oshigiin.pipeline.video.segments import Segment, sittings_for

from .jpformat import era_of_year, era_year

SPEECH_RATE = 7.0      # characters a second, as a council member reads a prepared question
PAUSE = (1.5, 4.0)     # seconds between speakers
LEAD_IN = 5.0          # seconds before the first word of a segment
FILLERS = ("えー", "あのー", "ええ", "まあ")
CAPTION_LAG = (0.5, 2.5)  # seconds live captions trail the words they type
MISHEARD = "あいうえおかきくけこさしすせそたちつてとなにぬねの"
WEEKDAYS = "月火水木金土日"
JFIT_INQUIRY_BASE = 100


@dataclass
class Piece:
    minute_id: int
    start: float
    end: float
    text: str


@dataclass
class DemoSegment:
    council_id: int          # the DiscussNet 会議 id of the sitting
    schedule_id: int
    order: int
    inquiry_id: int
    speaker: str             # as printed: roster name + 議員 (or 区長)
    faction: str | None
    agenda: str
    first_minute_id: int | None   # the questioner's first question block: the speech it must link to
    member: str | None
    pieces: list[Piece] = field(default_factory=list)


class DemoVideo:
    def __init__(self, council) -> None:
        self.council = council
        self.members = {m.name: m for m in council.people.members}

    @functools.cached_property
    def days(self) -> list:
        return [m for m in self.council.calendar.meetings if m.plenary and m.day_type in ("daihyo", "ippan")]

    @functools.cached_property
    def sessions(self) -> dict[int, list]:
        out: dict[int, list] = {}
        for m in self.days:
            out.setdefault(m.council_id, []).append(m)
        return out

    @functools.lru_cache(maxsize=512)  # noqa: B019 - one DemoVideo per served council
    def segments(self, council_id: int, schedule_id: int) -> tuple[DemoSegment, ...]:
        m = self.council.calendar.meeting(council_id, schedule_id)
        blocks = self.council._blocks(council_id, schedule_id)
        rng = random.Random(f"{self.council.seed}:video:{council_id}:{schedule_id}")
        out: list[DemoSegment] = []
        if m.day_type == "daihyo":
            first_answer = next((i for i, b in enumerate(blocks) if b.speaker_role == "区長"), None)
            if first_answer is not None:
                out.append(DemoSegment(council_id, schedule_id, 1, 0, "区長", None, "区長の招集挨拶", None, None))
                out[-1].pieces.append(Piece(first_answer + 3, 0, 0, blocks[first_answer].text))
        starts = []
        seen = set()
        for i, b in enumerate(blocks):
            if b.kind == "question" and b.member and b.member not in seen:
                seen.add(b.member)
                starts.append(i)
        for n, i in enumerate(starts):
            b = blocks[i]
            member = self.members.get(b.member)
            end = starts[n + 1] if n + 1 < len(starts) else len(blocks)
            # The chair's closing words after the last questioner are not part of the question's recording.
            while end > i + 1 and blocks[end - 1].speaker_role in ("議長", "副議長"):
                end -= 1
            seg = DemoSegment(council_id, schedule_id, len(out) + 1, 0, f"{b.member}議員",
                              member.faction if member else None, "代表質問" if m.day_type == "daihyo" else "一般質問",
                              i + 3, b.member)
            t = LEAD_IN
            for j in range(i, end):
                text = blocks[j].text
                duration = max(len(text), 1) / SPEECH_RATE
                seg.pieces.append(Piece(j + 3, round(t, 2), round(t + duration, 2), text))
                t += duration + rng.uniform(*PAUSE)
            out.append(seg)
        for k, seg in enumerate(out):
            seg.inquiry_id = (council_id * JFIT_INQUIRY_BASE + schedule_id) * JFIT_INQUIRY_BASE + k + 1
            seg.order = k + 1
        return tuple(out)

    def jfit_rows(self, m) -> tuple[DemoSegment, ...]:
        """The JFIT index of a day: on about one day in four one questioner's recording is not
        published (a fault the index has on real sites too), so order alone would misplace the rest."""
        segs = self.segments(m.council_id, m.schedule_id)
        rng = random.Random(f"{self.council.seed}:unpublished:{m.council_id}:{m.schedule_id}")
        members = [s for s in segs if s.member]
        if len(members) >= 2 and rng.random() < 0.25:
            gone = rng.choice(members[:-1])
            return tuple(s for s in segs if s is not gone)
        return segs

    @functools.cached_property
    def playlist_day(self):
        """The one sitting DiscussVision-style: the 一般質問 day with the most questioners (the latest of equals)."""
        ippan = [m for m in self.days if m.day_type == "ippan"] or self.days
        if not ippan:
            return None
        return max(reversed(ippan), key=lambda m: len(self.segments(m.council_id, m.schedule_id)))

    def captions(self, seg: DemoSegment) -> str:
        """WebVTT for a segment: each speech as typed live, in cues of 12–28 characters."""
        rng = random.Random(f"{self.council.seed}:vtt:{seg.inquiry_id}")
        lines = ["WEBVTT", ""]
        n = 0
        for piece in seg.pieces:
            spoken = []
            for ch in piece.text:
                if ch in "、。「」（）\n　 ":
                    continue
                r = rng.random()
                if r < 0.03:
                    continue                        # dropped
                if r < 0.07:
                    spoken.append(rng.choice(MISHEARD))  # misheard
                    continue
                spoken.append(ch)
                if rng.random() < 0.015:
                    spoken.append(rng.choice(FILLERS))
            text = "".join(spoken)
            pos, total = 0, max(len(text), 1)
            while pos < len(text):
                size = rng.randint(12, 28)
                chunk = text[pos:pos + size]
                lag = rng.uniform(*CAPTION_LAG)
                a = piece.start + (piece.end - piece.start) * pos / total + lag
                b = piece.start + (piece.end - piece.start) * min(pos + size, len(text)) / total + lag
                n += 1
                lines += [str(n), f"{_stamp(a)} --> {_stamp(b)}", chunk, ""]
                pos += size
        return "\n".join(lines)

    # -- truth ----------------------------------------------------------------------------------
    def truth(self) -> list[dict]:
        """Every segment the demo serves, with the speech it records and each speech's true start."""
        out = []
        day = self.playlist_day
        for m in self.days:
            listed = {id(s) for s in self.jfit_rows(m)}
            for seg in self.segments(m.council_id, m.schedule_id):
                meeting_id = f"demo-discussnet-{m.council_id}-{m.schedule_id}"
                base = {"meeting_id": meeting_id, "member": seg.member, "order": seg.order,
                        "speech_id": f"{meeting_id}-{seg.first_minute_id}" if seg.first_minute_id else None,
                        "times": {f"{meeting_id}-{p.minute_id}": p.start for p in seg.pieces}}
                if id(seg) in listed:
                    out.append({**base, "segment_id": f"demo-jfit-{seg.inquiry_id}"})
                if day is not None and m is day:
                    out.append({**base, "segment_id": f"demo-discussvision-{m.council_id}-{m.schedule_id}-{seg.order}",
                                "captioned": True})
        return out

    # -- serving ----------------------------------------------------------------------------------
    def respond(self, path: str, query: str) -> tuple[str, str] | None:
        """(body, content type) for a video path, None when the path is not the video site's.
        An unknown id raises KeyError (the server answers 404)."""
        q = {k: v[0] for k, v in parse_qs(query).items()}
        if path == "/jfit/":
            return self._jfit(q), "text/html; charset=utf-8"
        if path == "/dvsapi/yearlist":
            day = self.playlist_day
            return json.dumps([{"year": day.date.year}] if day else []), "application/json; charset=utf-8"
        if path == "/dvsapi/councilrd/all":
            return json.dumps(self._councils(int(q.get("year", "0"))), ensure_ascii=False), \
                "application/json; charset=utf-8"
        if path.startswith("/dvsapi/vtt/"):
            name = path.rsplit("/", 1)[-1]
            for seg in self._playlist():
                if name == _vtt_name(seg):
                    return self.captions(seg), "text/vtt; charset=utf-8"
            raise KeyError(name)
        if path.startswith("/smart/tenant/") and path.endswith("/speech.html"):
            return _viewer(q), "text/html; charset=utf-8"
        return None

    def _playlist(self) -> tuple[DemoSegment, ...]:
        day = self.playlist_day
        return self.segments(day.council_id, day.schedule_id) if day else ()

    def _councils(self, year: int) -> list[dict]:
        day = self.playlist_day
        if day is None or day.date.year != year:
            return []
        items = [{"playlist_id": str(seg.order), "speaker": seg.speaker,
                  "speaker_id": "0" if seg.member is None else str(zlib.crc32(seg.member.encode()) % 10_000),
                  "content": seg.agenda, "movie_name1": f"{day.schedule_id}-{seg.order}.mp4",
                  "vtt_name": _vtt_name(seg)} for seg in self._playlist()]
        return [{"council_id": str(day.council_id), "date": day.session.start.isoformat(),
                 "label": "".join(day.session.council_name.split()),
                 "schedules": [{"schedule_id": str(day.schedule_id),
                                "label": f"{day.date.month:02d}月{day.date.day:02d}日　本会議", "playlist": items}]}]

    def _jfit(self, q: dict[str, str]) -> str:
        tpl = q.get("tpl")
        if tpl == "gikai_list":
            rows = "".join(
                f'<tr><td><a href="./?tpl=gikai_days_list&amp;gikai_id={cid}">'
                f"{html.escape(ms[0].council_name)}</a></td><td>{len(ms)}日</td></tr>"
                for cid, ms in self.sessions.items())
            return _page("会議録画 一覧", f'<table class="list">{rows}</table>')
        if tpl == "gikai_days_list":
            cid = int(q["gikai_id"])
            rows = "".join(
                f'<tr><td><a href="./?tpl=gikai_result&amp;gikai_id={cid}&amp;day_id={m.schedule_id}">'
                f"{_wareki(m.date)}（{WEEKDAYS[m.date.weekday()]}）　本会議</a></td></tr>"
                for m in self.sessions[cid])
            return _page(self.sessions[cid][0].council_name, f'<table class="list">{rows}</table>')
        if tpl == "gikai_result":
            m = self.council.calendar.meeting(int(q["gikai_id"]), int(q["day_id"]))
            rows = "".join(
                f'<tr class="font-90"><td>{html.escape(seg.agenda)}</td><td><ul class="speaker">'
                f"<li>{html.escape(seg.faction or '')}</li>"
                f"<li class=\"font-bold\">{html.escape(seg.speaker)}</li></ul></td>"
                f'<td><a href="./?tpl=play_vod&amp;inquiry_id={seg.inquiry_id}">再生</a></td></tr>'
                for seg in self.jfit_rows(m))
            return _page(f"{m.council_name}　{_wareki(m.date)}　本会議", f"<table>{rows}</table>")
        if tpl == "play_vod":
            inquiry = int(q["inquiry_id"])
            council_id, schedule_id = divmod(inquiry // JFIT_INQUIRY_BASE, JFIT_INQUIRY_BASE)
            m = next((d for d in self.days if (d.council_id, d.schedule_id) == (council_id, schedule_id)), None)
            seg = next((s for s in self.segments(m.council_id, m.schedule_id) if s.inquiry_id == inquiry), None) \
                if m else None
            if seg is None:
                raise KeyError(f"inquiry_id {inquiry}")
            blob = base64.b64encode(json.dumps({"playerSetting": {"source": {
                "hls": f"media/{inquiry}/index.m3u8"}}, "title": seg.speaker}).encode()).decode()
            return _page(f"{seg.speaker}　{_wareki(m.date)}",
                         f'<p class="demo">架空区のデモです。映像はありません（索引のみ）。</p>'
                         f'<div id="bm_data" style="display:none">{blob}</div>')
        raise KeyError(f"tpl={tpl}")


def _vtt_name(seg: DemoSegment) -> str:
    return f"{seg.schedule_id}-{seg.order}.vtt"


def _stamp(t: float) -> str:
    ms = int(round(t * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def _wareki(d) -> str:
    name, year = era_of_year(d.year)
    return f"{era_year(name, year, full_width=False)}{d.month}月{d.day}日"


def _page(title: str, body: str) -> str:
    t = html.escape(title)
    return (f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>{t} | 架空区議会 録画中継</title>'
            f"</head><body><h2>{t}</h2>{body}</body></html>")


def _viewer(q: dict[str, str]) -> str:
    ids = "・".join(f"{k}={html.escape(v)}" for k, v in sorted(q.items()))
    return _page("架空区議会 録画中継（デモ）", f'<p class="demo">映像はありません（索引と字幕のみ）。{ids}</p>'
                 '<p id="t"></p><script>document.getElementById("t").textContent=location.hash;</script>')


# -- evaluation (bench/video_match.py, tests/test_video_demo.py) ----------------------------------------

def _spread(xs: list[float]) -> dict:
    if not xs:
        return {"median": float("nan"), "p90": float("nan"), "max": float("nan")}
    return {"median": statistics.median(xs), "p90": statistics.quantiles(xs, n=10)[8] if len(xs) > 1 else xs[0],
            "max": max(xs)}


def scores(db: Path, speeches: int, seed: int = 0) -> dict:
    """The demo database (built by demo/build.py) against what demo/video.py served: links and caption times."""
    import duckdb

    from oshigiin.demo.generator import DemoCouncil

    con = duckdb.connect(str(db), read_only=True)
    try:
        got = {r[0]: r for r in con.execute("SELECT segment_id, meeting_id, speech_id FROM video_segments").fetchall()}
        times = {(s, sp): sec for s, sp, sec in con.execute(
            "SELECT segment_id, speech_id, seconds FROM video_speech_times").fetchall()}
        texts = dict(con.execute("SELECT speech_id, text FROM speeches").fetchall())
        dates = {d for (d,) in con.execute("SELECT DISTINCT date FROM video_segments WHERE date IS NOT NULL")
                 .fetchall()}
        sittings = sittings_for(con, ["demo"], dates)
        segments = [Segment(*row) for row in con.execute(
            "SELECT segment_id, council_id, date, meeting, session, speaker_name, ordinal, platform "
            "FROM video_segments WHERE speaker_name <> '区長'").fetchall()]
    finally:
        con.close()
    truth = {t["segment_id"]: t for t in DemoVideo(DemoCouncil(speeches=speeches, seed=seed)).truth()}
    true_speeches = {k: t["speech_id"] for k, t in truth.items()}

    def scored(predicted: dict, gold: dict) -> dict:
        p, r, c, made, wanted = pr(predicted, gold)
        return {"precision": p, "recall": r, "correct": c, "links": made, "gold": wanted}

    peer = order_only(segments, sittings)
    out = {
        "served": len(truth), "loaded": len(got), "missing": len(set(truth) - set(got)),
        "sitting": scored({k: got[k][1] if k in got else None for k in truth},
                          {k: t["meeting_id"] for k, t in truth.items()}),
        "question": scored({k: got[k][2] if k in got else None for k in truth}, true_speeches),
        "peer": scored({k: peer.get(k) for k in truth}, true_speeches),
    }
    errors, peer_errors, total = [], [], 0
    for key, t in truth.items():
        if not t.get("captioned"):
            continue
        true_times = t["times"]
        chars = {s: len(re.sub(r"\s", "", texts.get(s, ""))) for s in true_times}
        end = max(true_times.values()) + 1.0
        whole, acc = sum(chars.values()) or 1, 0
        for speech, true_start in sorted(true_times.items(), key=lambda x: x[1]):
            total += 1
            # The peer: the segment's time shared out by characters, after the known lead-in.
            peer_errors.append(abs(LEAD_IN + (end - LEAD_IN) * acc / whole - true_start))
            acc += chars[speech]
            if (key, speech) in times:
                errors.append(abs(times[(key, speech)] - true_start))
    out["alignment"] = {"speeches": total, "aligned": len(errors), **_spread(errors)}
    out["alignment_peer"] = {"speeches": total, **_spread(peer_errors)}
    return out


def video_answer(backend, path: str, query: str) -> tuple[str, str] | None:
    """What demo/server.py serves for a video path: only a generated council has a video site."""
    if not hasattr(backend, "calendar") or not path.startswith(("/jfit/", "/dvsapi/", "/smart/")):
        return None
    video = backend.__dict__.get("_demo_video")
    if video is None:
        video = backend.__dict__.setdefault("_demo_video", DemoVideo(backend))
    return video.respond(path, query)
