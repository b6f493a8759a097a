"""出席議員 / 欠席議員 lists at the head of a meeting's minutes → who was there.

The lists are the one roster every platform prints, in one column or two, with seat numbers
(本会議) or with offices (委員会):
    〇出席議員（２６人）
    　　　　　　　　１番　吉　田　崇　仁
    ３　出席議員（３２人）
    　　　　　　　１番　　小林しょう　　　１７番　　たかはしのりこ
    出　席　委　員
    　　委員長　　　　　　塩　田　　　尚　君
    　　〃　　　　　　　　あさの　えくこ　君
Names are padded with full-width spaces for alignment; the spaces are not part of the name.
"""

from __future__ import annotations

import re
import unicodedata

_PRESENT = re.compile(r"出席(?:議員|委員)")
_ABSENT = re.compile(r"欠席(?:議員|委員)")
_SEAT_NAME = re.compile(r"(\d+)\s*番\s*(.+?)(?=\s*\d+\s*番|$)")
_NOTHING = re.compile(r"^[（(]?\s*(?:な\s*し|無\s*し)\s*[）)]?$")
_SPACES = re.compile(r"\s+")
_HONORIFIC = re.compile(r"(?:議員|委員|君)$")
_COLUMNS = re.compile(r"\s{2,}")
# Offices that head a seatless line; 〃 repeats the one above.
_LIST_ROLES = {"委員長", "副委員長", "委員", "議長", "副議長", "〃", "同"}


def parse_attendance(text: str) -> list[dict]:
    """[{seat, name, status}] from the front matter of one meeting, in printed order."""
    out: list[dict] = []
    status: str | None = None
    for raw in unicodedata.normalize("NFKC", text).splitlines():
        line = raw.strip()
        if not line:
            continue
        heading = _SPACES.sub("", line)  # 「出　席　委　員」 is spaced out like the names
        if _ABSENT.search(heading) and "番" not in line:
            status = "absent"
            continue
        if _PRESENT.search(heading) and "番" not in line:
            status = "present"
            continue
        if status is None:
            continue
        pairs = _SEAT_NAME.findall(line)
        if not pairs:
            if _NOTHING.match(line):
                continue
            if name := _seatless_name(line):
                out.append({"seat": None, "name": name, "status": status})
                continue
            status = None  # the next heading (説明員, 事務局…) ends the list
            continue
        for seat, name in pairs:
            name = _HONORIFIC.sub("", _SPACES.sub("", name))
            if name:
                out.append({"seat": int(seat), "name": name, "status": status})
    return out


def _seatless_name(line: str) -> str | None:
    """「委員長　　塩　田　　　尚　君」 → 塩田尚: columns are split by runs of space; a leading
    office (or 〃) is dropped, and the rest is the name. Only lines ending in 君 are read, so an
    office heading or a clerk's line (no honorific) ends the list instead."""
    if not line.endswith("君"):
        return None
    body = line[:-1].strip()
    columns = _COLUMNS.split(body)
    tokens = body.split()
    if len(columns) > 1 and _SPACES.sub("", columns[0]) in _LIST_ROLES:
        columns = columns[1:]       # 「委　員　　長谷川ひろゆき」: the office is spaced out too
    elif len(tokens) > 1 and tokens[0] in _LIST_ROLES:
        columns = tokens[1:]        # 「副委員長　吉田洸龍」: one space after the office
    name = _SPACES.sub("", "".join(columns))
    return name if 1 < len(name) <= 12 else None
