"""出席議員 / 欠席議員 lists at the head of a meeting's minutes → who was there.

The lists are the one roster every platform prints, in one column or two:
    〇出席議員（２６人）
    　　　　　　　　１番　吉　田　崇　仁
    ３　出席議員（３２人）
    　　　　　　　１番　　小林しょう　　　１７番　　たかはしのりこ
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


def parse_attendance(text: str) -> list[dict]:
    """[{seat, name, status}] from the front matter of one meeting, in printed order."""
    out: list[dict] = []
    status: str | None = None
    for raw in unicodedata.normalize("NFKC", text).splitlines():
        line = raw.strip()
        if not line:
            continue
        if _ABSENT.search(line) and "番" not in line:
            status = "absent"
            continue
        if _PRESENT.search(line) and "番" not in line:
            status = "present"
            continue
        if status is None:
            continue
        pairs = _SEAT_NAME.findall(line)
        if not pairs:
            if _NOTHING.match(line):
                continue
            status = None  # the next heading (説明員, 事務局…) ends the list
            continue
        for seat, name in pairs:
            name = _HONORIFIC.sub("", _SPACES.sub("", name))
            if name:
                out.append({"seat": int(seat), "name": name, "status": status})
    return out
