"""Minutes downloaded as text (VOICES and DB-Search 「テキスト形式」, kensakusystem statements) → one sitting.

The platforms' text exports share a shape: a few header lines (「開催日：令和 7年 2月17日」,
「会議名：令和 7年第1回定例会（第1日 2月17日）」 on kensakusystem; a title and a 和暦 date on
others), the 名簿 with 出席議員, then speeches marked ○ ◎ ◆. The header is read where it is
labelled and guessed from the first lines where it is not; the speeches come from the segmenter.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from oshigiin.minutes.attendance import parse_attendance
from oshigiin.minutes.normalize import parse_wareki
from oshigiin.minutes.parsers.discussnet import ParseError
from oshigiin.minutes.segment import segment, speeches

_LABEL = re.compile(r"^\s*(開催日|会議名|会議日|日時|名称)\s*[:：]\s*(.+?)\s*$", re.M)
_SPACES = re.compile(r"\s+")


def decode(body: bytes) -> str:
    """UTF-8 when it is (BOM or not); otherwise cp932, the Shift_JIS these servers really send."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return body.decode("cp932", errors="replace")


def parse_text_minutes(body: bytes | str) -> dict:
    text = decode(body) if isinstance(body, bytes) else body
    text = text.replace("\r\n", "\n")
    doc = segment(text)
    found = speeches(doc)
    if not found:
        raise ParseError("no speaker markers (○ ◎ ◆ …) found: not a minutes text")
    # The 名簿 often sits under a heading marked like a speech (「○議事日程」): everything up to
    # the first real speech is front matter.
    front = doc.front
    for seg in doc.segments:
        if not seg.heading:
            break
        front += seg.raw
    labels = {k: v for k, v in _LABEL.findall(front)}
    title = labels.get("会議名") or labels.get("名称") or next(
        (line.strip() for line in front.splitlines() if line.strip()), "")
    when = parse_wareki(labels.get("開催日") or labels.get("会議日") or labels.get("日時") or "") \
        or parse_wareki(front)
    squashed = _SPACES.sub("", unicodedata.normalize("NFKC", title))
    kind = "委員会" if "委員会" in squashed else "本会議"
    return {
        "title": squashed, "date": when.isoformat() if when else None, "kind": kind,
        "committee": squashed if kind == "委員会" else None,
        "front_matter": front, "attendance": parse_attendance(front), "speeches": found,
    }


def document_key(parsed: dict) -> str:
    """A stable id for an imported sitting: its date and title, so a corrected re-download
    replaces the same sitting rather than adding another."""
    return hashlib.sha1(f"{parsed['date']}|{parsed['title']}".encode()).hexdigest()[:16]
