"""A council's member roster page (議員名簿) → members.

Ward sites publish the roster as an HTML table; columns are found by their header text
(氏名, ふりがな/よみがな, 会派, 議席), so one parser serves councils whose tables differ
in column order.
"""

from __future__ import annotations

import re

from parsel import Selector

from oshigiin.minutes.normalize import to_hiragana
from oshigiin.minutes.parsers.discussnet import ParseError

COLUMNS = {
    "name": ("氏名", "議員名", "名前"),
    "kana": ("ふりがな", "フリガナ", "よみがな", "ヨミガナ", "読み"),
    "faction": ("会派", "所属会派"),
    "seat": ("議席", "議席番号"),
}
_SPACES = re.compile(r"\s+")


def _column_map(headers: list[str]) -> dict[str, int]:
    found = {}
    for field, labels in COLUMNS.items():
        for i, header in enumerate(headers):
            if any(label in header for label in labels):
                found.setdefault(field, i)
    return found


def _cell(cells: list[str], cols: dict[str, int], field: str) -> str | None:
    i = cols.get(field)
    return cells[i] if i is not None and i < len(cells) and cells[i] else None


def parse_roster(html: str) -> list[dict]:
    sel = Selector(text=html)
    for table in sel.css("table"):
        rows = table.css("tr")
        if not rows:
            continue
        headers = [_SPACES.sub("", "".join(c.css("::text").getall())) for c in rows[0].css("th, td")]
        cols = _column_map(headers)
        if "name" not in cols:
            continue
        members = []
        for row in rows[1:]:
            cells = [" ".join(c.css("::text").getall()).strip() for c in row.css("th, td")]
            if len(cells) <= cols["name"] or not cells[cols["name"]]:
                continue

            seat, kana = _cell(cells, cols, "seat"), _cell(cells, cols, "kana")
            members.append({
                "name": _SPACES.sub("", _cell(cells, cols, "name")),
                "kana": _SPACES.sub("", to_hiragana(kana)) if kana else None,
                "faction": _cell(cells, cols, "faction"),
                "seat": int(re.sub(r"\D", "", seat)) if seat and re.search(r"\d", seat) else None,
            })
        return members
    raise ParseError("no table with a 氏名 column")
