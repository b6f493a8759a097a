"""The 名簿 block that heads every sitting's minutes (and is the schedule's member_list).

Plenary sittings follow the 函館 layout in the recorded fixture: 議事日程, 出席議員 with one
seat per line and names spread over fixed cells (吉　田　崇　仁), 欠席議員, 説明員, 事務局.
Committee sittings use the numbered layout (１　開会日時 …) with 委員長 and 副委員長 first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .jpformat import DOUBLE_RULE, RULE, SP, clock, fw, seat_label, spaced_name, wareki
from .people import Member, Official

NAME_COLUMN = 11  # 説明員 names start in this cell; longer posts wrap onto their own line


@dataclass(frozen=True)
class Attendance:
    present: list[Member]
    absent: list[Member]


def _official_line(post: str, person: Official, indent: int = 4) -> str:
    gap = NAME_COLUMN - indent - len(post)
    if gap < 1:
        return f"{SP * indent}{post}\n{SP * NAME_COLUMN}{person.spaced}"
    return f"{SP * indent}{post}{SP * gap}{person.spaced}"


def _seat_lines(members: list[Member]) -> list[str]:
    return [f"{seat_label(m.seat)}{SP}{spaced_name(m.surname, m.given)}" for m in members]


def plenary_meibo(*, council_name: str, session_label: str, number: int, day: dt.date, start: int, end: int,
                  opening_day: bool, closing_day: bool, agenda: list[str], attendance: Attendance,
                  officials: list[tuple[str, Official]], secretariat: list[tuple[str, Official]]) -> str:
    begin = "開会" if opening_day else "開議"
    finish = "閉会" if closing_day else "散会"
    lines = [
        council_name, "",
        f"{SP * 11}{session_label}会議録{SP}第{fw(number)}号", "",
        f"{SP * 2}{wareki(day, weekday=True)}{SP * 12}{clock(start, pad_minutes=True)}{begin}",
        f"{SP * 28}{clock(end, pad_minutes=True)}{finish}", "",
        DOUBLE_RULE, "",
        "〇議事日程",
    ]
    for i, item in enumerate(agenda):
        lines += [f"日程第{fw(i + 1)}", f"{SP}{item}"]
    lines += [RULE, "〇本日の会議に付した事件", f"{SP}議事日程と同じ", RULE]
    lines.append(f"〇出席議員（{fw(len(attendance.present))}人）")
    lines += _seat_lines(attendance.present)
    lines.append(RULE)
    if attendance.absent:
        lines.append(f"〇欠席議員（{fw(len(attendance.absent))}人）")
        lines += _seat_lines(attendance.absent)
    else:
        lines += ["〇欠席議員", f"{SP * 7}なし"]
    lines += [RULE, "〇説明員"]
    lines += [_official_line(post, person) for post, person in officials]
    lines += [RULE, "〇事務局出席職員"]
    lines += [_official_line(post, person) for post, person in secretariat]
    lines += ["＝" * 22, f"{SP * 10}{clock(start, pad_minutes=True)}{begin}{SP * 2}"]
    return "<pre>" + "\n".join(lines) + "\n</pre>"


def committee_meibo(*, council_name: str, committee: str, day: dt.date, start: int, end: int, room: str,
                    chair: Member, vice: Member, attendance: Attendance,
                    officials: list[tuple[str, Official]],
                    secretariat: list[tuple[str, Official]], agenda: str) -> str:
    def row(m: Member) -> str:
        role = "委員長" if m is chair else "副委員長" if m is vice else "委員"
        name = spaced_name(m.surname, m.given)
        return f"{SP * 2}{role}{SP * (6 - len(role))}{seat_label(m.seat, 4)}{SP}{name}"

    def ordered(ms: list[Member]) -> list[Member]:
        return sorted(ms, key=lambda m: (m is not chair, m is not vice, m.seat))

    lines = [
        council_name, "",
        f"{SP * 10}{committee}会議録", "",
        f"１{SP}開会日時{SP}{wareki(day, weekday=True)}{SP}{clock(start)}",
        f"２{SP}閉会日時{SP}{wareki(day, weekday=True)}{SP}{clock(end)}",
        f"３{SP}場所{SP * 3}{room}",
        f"４{SP}出席委員（{fw(len(attendance.present))}人）",
    ]
    lines += [row(m) for m in ordered(attendance.present)]
    if attendance.absent:
        lines.append(f"５{SP}欠席委員（{fw(len(attendance.absent))}人）")
        lines += [row(m) for m in ordered(attendance.absent)]
    else:
        lines += [f"５{SP}欠席委員", f"{SP * 7}なし"]
    lines.append(f"６{SP}出席説明員")
    lines += [_official_line(post, person) for post, person in officials]
    lines.append(f"７{SP}出席事務局職員")
    lines += [_official_line(post, person) for post, person in secretariat]
    lines += [f"８{SP}案件", f"{SP * 2}{agenda}", RULE, f"{SP * 10}{clock(start)}開会"]
    return "<pre>" + "\n".join(lines) + "\n</pre>"
