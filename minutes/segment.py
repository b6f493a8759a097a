"""Running minutes text → speeches, split at speaker markers, losing nothing.

Platforms that deliver a whole sitting as one text (kensakusystem statements, DB-Search
documents, VOICES and DB-Search text downloads) mark each speech with a line such as
  ○議長（佐藤篤）　おはようございます。
  ◆（白井正子君）　…
  ○塩田　委員長　…
The concatenation of `front` and every segment's `raw` reproduces the input exactly, so a
wrong split can be seen and fixed, never silently loses text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from oshigiin.minutes.speakers import MARKERS, split_speaker

# A marker at the start of a line (after indentation), then the speaker up to the first
# full-width space, or the end of the line.
_START = re.compile(rf"^[ \t\u3000]*(?P<marker>[{MARKERS}])(?P<head>[^\n]*)$", re.M)
_CLOSED_ROLE_AFTER_SPACE = re.compile(r"^(副?委員長|副?議長|委員|議員|君)(?=[\s\u3000]|$)")
# Agenda headings are marked like speeches on some councils (「◎会期の決定」, 「○議事日程」,
# 「〇午後１時開会」). A speech has words on its marker line after the speaker; a heading has
# nothing there, and no bracketed name.
_HEADING = re.compile(r"^(日程第|議事日程|本日の会議に付した事件|追加日程)")


@dataclass(frozen=True, slots=True)
class Segment:
    raw: str              # exactly as in the input, from the marker to the next marker
    marker: str
    speaker_raw: str      # marker + speaker as printed: 「○議長（佐藤篤）」
    text: str             # the speech without the speaker, stripped
    heading: bool = False  # an agenda heading marked like a speech, not a speech


@dataclass(frozen=True, slots=True)
class Document:
    front: str            # everything before the first marker (名簿, 議事日程 …)
    segments: list[Segment]


def speaker_end(head: str) -> int:
    """Where a speaker line's speaker ends: the first full-width space outside brackets
    (「市長（櫻田　宏）　お答え…」 keeps 櫻田　宏 whole) or the end of the line; -1 if neither."""
    depth = 0
    for i, ch in enumerate(head):
        if ch in "（(［[":
            depth += 1
        elif ch in "）)］]":
            depth = max(0, depth - 1)
        elif (ch == "\u3000" and depth == 0) or ch == "\n":
            return i
    return -1


def _split_head(head: str) -> tuple[str, str]:
    """「議長（佐藤篤）　おはよう…」 → (「議長（佐藤篤）」, 「　おはよう…」); 「市長（櫻田　宏）」 stays whole."""
    cut = speaker_end(head)
    if cut == -1:
        m = re.search(r"[ \t]{2,}", head)
        cut = m.start() if m else len(head)
    speaker, rest = head[:cut], head[cut:]
    # 「塩田　委員長　本日は…」: the office after the space still belongs to the speaker.
    m = _CLOSED_ROLE_AFTER_SPACE.match(rest.lstrip(" \t\u3000"))
    if m and "（" not in speaker and "(" not in speaker:
        skipped = len(rest) - len(rest.lstrip(" \t\u3000"))
        speaker = head[: cut + skipped + m.end()]
        rest = head[cut + skipped + m.end():]
    return speaker.rstrip(), rest


def segment(text: str) -> Document:
    starts = list(_START.finditer(text))
    front = text[: starts[0].start()] if starts else text
    segments = []
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        raw = text[m.start():end]
        marker = m["marker"]
        speaker, rest = _split_head(m["head"])
        body = rest + text[m.end():end]
        bracketed = "（" in speaker or "(" in speaker
        heading = (not speaker.strip() or bool(_HEADING.match(speaker.strip()))
                   or (not rest.strip() and not bracketed))
        segments.append(Segment(raw=raw, marker=marker, speaker_raw=marker + speaker,
                                text=body.strip(), heading=heading))
    return Document(front=front, segments=segments)


def speeches(doc: Document) -> list[dict]:
    """Segments that are speeches, as the records every parser yields (see discussnet.parse_minute)."""
    from oshigiin.minutes.speakers import speech_kind

    out = []
    for seg in doc.segments:
        if seg.heading:
            continue
        speaker = split_speaker(seg.speaker_raw)
        out.append({
            "ext_minute_id": str(len(out) + 1),
            "seq": len(out) + 1,
            "speaker_raw": seg.speaker_raw,
            "speaker_name": speaker.name,
            "speaker_role": speaker.role,
            "seat": speaker.seat,
            "kind": speech_kind(seg.marker, speaker.role),
            "text": seg.text,
        })
    return out
