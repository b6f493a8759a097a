"""Text normalisation shared by names, speeches and search queries.

Everything that is compared — a speaker against a member, a query against a speech —
goes through the same fold, so that 德永 finds 徳永 and １２番 finds 12番.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# 異体字 that NFKC leaves alone but that councils print for the same person.
# Kept as data, small and explicit: each pair is a variant seen in minutes or rosters.
ITAIJI = {
    "德": "徳", "髙": "高", "﨑": "崎", "嵜": "崎", "邉": "辺", "邊": "辺", "濵": "浜", "濱": "浜",
    "澤": "沢", "櫻": "桜", "齋": "斎", "齊": "斉", "廣": "広", "國": "国", "槇": "槙", "冨": "富",
    "眞": "真", "惠": "恵", "壽": "寿", "藏": "蔵", "實": "実", "榮": "栄", "增": "増", "瀨": "瀬",
    "𠮷": "吉", "黑": "黒", "淸": "清", "嶋": "島", "嶌": "島", "舘": "館", "曻": "昇", "禮": "礼",
    "彌": "弥", "萬": "万", "與": "与", "傳": "伝", "來": "来", "會": "会", "條": "条", "莊": "荘",
    "將": "将", "邨": "村", "槗": "橋",
}
_ITAIJI_TABLE = str.maketrans(ITAIJI)
_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """NFKC, 異体字 folding and lower case; spacing kept. Used for speech text and queries."""
    return unicodedata.normalize("NFKC", text).translate(_ITAIJI_TABLE).lower()


def normalize_name(name: str) -> str:
    """The comparable form of a person's name: folded and with every space removed.

    Minutes pad names to a fixed width (「吉　田　崇　仁」, 「島　　　昌　之」): the spaces
    are alignment, not part of the name.
    """
    return _SPACE.sub("", normalize_text(name))


_KAKASI = None


def reading(name: str) -> str:
    """A generated hiragana reading of a name — a guess (names have many readings), used only
    where the council publishes none, and marked as generated wherever it is stored."""
    global _KAKASI
    if _KAKASI is None:
        import pykakasi

        _KAKASI = pykakasi.kakasi()
    # Fold first: the dictionary does not know 髙, 﨑 and the like.
    return "".join(part["hira"] for part in _KAKASI.convert(normalize_name(name)))


def to_hiragana(kana: str) -> str:
    """Katakana → hiragana, so a reading typed either way matches."""
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in normalize_text(kana))


ERAS = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018}
_KANJI_DIGITS = {"〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_WAREKI = re.compile(
    r"(明治|大正|昭和|平成|令和)\s*(元|[0-9〇一二三四五六七八九十]+)\s*年\s*"
    r"([0-9〇一二三四五六七八九十]+)\s*月\s*([0-9〇一二三四五六七八九十]+)\s*日"
)


def kanji_number(text: str) -> int:
    """'12', '十二', '二十三', '元' → int. Minutes use all of these for years and days."""
    if text == "元":
        return 1
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _KANJI_UNITS:
            total += (current or 1) * _KANJI_UNITS[ch]
            current = 0
        else:
            current = current * 10 + _KANJI_DIGITS[ch]
    return total + current


def era_year(era: str, year_in_era: str) -> int:
    return ERAS[era] + kanji_number(year_in_era)


def parse_wareki(text: str) -> date | None:
    """The first 和暦 date in the text (「令和６年２月２２日」 → 2024-02-22), or None."""
    m = _WAREKI.search(unicodedata.normalize("NFKC", text))
    if not m:
        return None
    era, y, mo, d = m.groups()
    try:
        return date(era_year(era, y), kanji_number(mo), kanji_number(d))
    except ValueError:
        return None
