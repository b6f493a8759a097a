"""Japanese typesetting helpers shared by the demo council.

Council minutes print numbers with full-width digits, dates in 和暦 and names laid out in
fixed-width cells padded with U+3000. These helpers reproduce the conventions seen in the
recorded DiscussNet pages (../shared/fixtures/minutes-systems/discussnet-ssp/) so that a
parser written against the demo also meets real pages.
"""

from __future__ import annotations

import datetime as dt

SP = "\u3000"  # full-width space: the only padding character minutes use
RULE = "─" * 22  # section separator inside 名簿 and chair speeches
DOUBLE_RULE = "＝" * 40

_FW = str.maketrans("0123456789", "０１２３４５６７８９")
_WEEKDAYS = "月火水木金土日"
_KANJI_DIGITS = "〇一二三四五六七八九十"

# Era start dates: the demo can reach back to 2014 for a large corpus, so 平成 matters.
_ERAS = (
    (dt.date(2019, 5, 1), "令和"),
    (dt.date(1989, 1, 8), "平成"),
)


def fw(value: int | str) -> str:
    """Full-width digits: 15 -> '１５'."""
    return str(value).translate(_FW)


def pad2(value: int) -> str:
    """Two full-width cells, right-aligned: 6 -> '　６', 11 -> '１１' (as in council names)."""
    text = fw(value)
    return SP * (2 - len(text)) + text if len(text) < 2 else text


def kanji_ordinal(n: int) -> str:
    """1 -> '一', 10 -> '十'; enough for 第一に … 第十に."""
    if n <= 10:
        return _KANJI_DIGITS[n]
    return "十" + _KANJI_DIGITS[n - 10]


def era(day: dt.date) -> tuple[str, int]:
    for start, name in _ERAS:
        if day >= start:
            return name, day.year - start.year + 1
    raise ValueError(f"date before 平成: {day}")


def era_of_year(year: int) -> tuple[str, int]:
    """The era a calendar year is filed under (its last day), as view_years labels do."""
    return era(dt.date(year, 12, 31))


def era_year(name: str, year: int, *, pad: bool = False, full_width: bool = True) -> str:
    """'令和６年' / '令和　６年' (pad) / '令和元年' / '令和6年' (full_width=False)."""
    if year == 1:
        return f"{name}元年"
    digits = (pad2(year) if pad else fw(year)) if full_width else str(year)
    return f"{name}{digits}年"


def wareki(day: dt.date, *, weekday: bool = False) -> str:
    """'令和６年２月２２日' or, with weekday, '令和６年２月２２日（木曜日）'."""
    name, year = era(day)
    text = f"{era_year(name, year)}{fw(day.month)}月{fw(day.day)}日"
    if weekday:
        text += f"（{_WEEKDAYS[day.weekday()]}曜日）"
    return text


def month_day(day: dt.date) -> str:
    """'２月２７日': how chair speeches refer to the next sitting."""
    return f"{fw(day.month)}月{fw(day.day)}日"


def fiscal_year_label(day: dt.date, offset: int = 0) -> str:
    """'令和６年度' for the 年度 (April–March) containing ``day``, shifted by ``offset``."""
    # 2019年度 is called 令和元年度 although it began under 平成, so file it by year end.
    name, year = era_of_year(fiscal_year(day) + offset)
    return era_year(name, year) + "度"


def fiscal_year(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def clock(minutes: int, *, pad_minutes: bool = False) -> str:
    """Minutes since midnight -> '午前１０時', '午後１時４５分', '午前１０時００分' (pad_minutes)."""
    hour, minute = divmod(minutes, 60)
    half = "午前" if hour < 12 else "午後"
    hour = hour if hour < 12 else hour - 12
    text = f"{half}{fw(hour)}時"
    if minute or pad_minutes:
        text += f"{fw(minute):０>2}分" if pad_minutes else f"{fw(minute)}分"
    return text


def cell3(part: str, *, align_right: bool) -> str:
    """Lay one name part into three cells the way the 函館 名簿 does.

    One character is padded ('島　　' / '　　修'), two are spaced ('吉　田'), three or more
    are printed as they are ('佐知子', 'たかはし').
    """
    if len(part) == 1:
        return SP * 2 + part if align_right else part + SP * 2
    if len(part) == 2:
        return part[0] + SP + part[1]
    return part


def spaced_name(surname: str, given: str) -> str:
    """'吉田', '崇仁' -> '吉　田　崇　仁'; '工藤', '篤' -> '工　藤　　　篤'."""
    return cell3(surname, align_right=False) + SP + cell3(given, align_right=True)


def seat_label(seat: int, width: int = 9) -> str:
    """Right-aligned '１番' / '１５番' in a field of ``width`` cells before 番."""
    digits = fw(seat)
    return SP * (width - len(digits)) + digits + "番"
