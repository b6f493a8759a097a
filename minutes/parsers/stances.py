"""Published faction-stance pages → stances. One format so far, whose structure public pages show:

東京都議会 「各会派等の議案への賛否」 (the assembly's newsletter pages, e.g.
https://www.gikai.metro.tokyo.lg.jp/newsletter/288/06.html, seen 2026-12): in reading order,

    平成22年第2回定例会 各会派等の議案への賛否          ← the session
    民主党 53人 / 自民党 38人 / … / 無(自治市民)1人       ← each faction with its seats
    知事提出議案 / 予算 / 条例 / 一部改正 …               ← categories
    東京都青少年の健全な育成に関する条例                  ← a bill (several joined by 「/」 share one line)
    反対 民主党、日本共産党、ネット・み、無(自治市民)       ← each side, factions by abbreviation
    賛成 自民党、公明党、無(日本創新党)
    否決                                                  ← the result closes the item
    …
    平成25年8月8日現在                                     ← as of
    略称説明
    自民党…東京都議会自由民主党、公明党…都議会公明党、…   ← the legend of abbreviations

The page is read line by line from its text (block elements and <br> end a line), so it does not
depend on the markup around the lines. Bills carry titles, not numbers: a title is the motion's
identifier. Test pages written in this structure are labelled CONSTRUCTED.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from lxml import html as lxml_html

_BLOCKS = ("p", "li", "dt", "dd", "div", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "caption", "br")
_SESSION = re.compile(
    r"^(?P<session>(?P<era>平成|令和)(?P<year>元|\d+)年.*?(?:定例会|臨時会))\s*各会派等?の議案への賛否")
_SEATS = re.compile(r"^(?P<name>[^\s…]+?)\s*(?P<seats>\d+)\s*人$")
_SIDE = re.compile(r"^[-・]?\s*(?P<side>賛成|反対|退席|棄権)\s+(?P<factions>.+)$")
_RESULT = re.compile(r"^(原案可決|修正可決|可決|否決|同意|不同意|承認|不承認|認定|不認定|採択|不採択|継続審査)$")
_AS_OF = re.compile(r"(?P<era>平成|令和)(?P<year>元|\d+)年(?P<month>\d+)月(?P<day>\d+)日現在")
# NFKC turns 「…」 into 「...」
_LEGEND_ITEM = re.compile(r"(?P<abbr>[^、.]+)\.\.\.(?P<full>[^、]+)")
OPTIONS = {"賛成": "yes", "反対": "no", "退席": "left", "棄権": "abstain"}


class StancePageError(ValueError):
    pass


@dataclass
class PageItem:
    categories: list[str]
    titles: list[str]                      # one line may name several bills: 「A/B/C」
    sides: list[tuple[str, str]]           # (faction abbreviation as printed, 賛成 | 反対 …)
    result: str


@dataclass
class StancePage:
    session: str
    year: int
    as_of: date | None
    seats: dict[str, int] = field(default_factory=dict)
    legend: dict[str, str] = field(default_factory=dict)   # abbreviation → full name
    items: list[PageItem] = field(default_factory=list)

    def full_name(self, abbreviation: str) -> str:
        return self.legend.get(abbreviation, abbreviation)


def _western(era: str, year: str) -> int:
    n = 1 if year == "元" else int(year)
    return n + (1988 if era == "平成" else 2018)


def lines(body: bytes | str) -> list[str]:
    if isinstance(body, bytes):
        for encoding in ("utf-8", "cp932"):
            try:
                body = body.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise StancePageError("neither UTF-8 nor Shift_JIS")
    doc = lxml_html.fromstring(body)
    for bad in doc.xpath("//script | //style"):
        bad.drop_tree()
    for el in doc.iter(*_BLOCKS):
        el.tail = "\n" + (el.tail or "")
        if el.tag != "br":
            el.text = "\n" + (el.text or "")
    text = unicodedata.normalize("NFKC", doc.text_content())
    return [re.sub(r"\s+", " ", line).strip() for line in text.split("\n") if line.strip()]


def parse_metro_tokyo(body: bytes | str) -> StancePage:
    page: StancePage | None = None
    pending: list[str] = []
    sides: list[tuple[str, str]] = []
    categories: list[str] = []
    in_legend = False
    for line in lines(body):
        if page is None:
            if m := _SESSION.match(line):
                page = StancePage(session=m["session"], year=_western(m["era"], m["year"]), as_of=None)
            continue
        if m := _AS_OF.search(line):
            page.as_of = date(_western(m["era"], m["year"]), int(m["month"]), int(m["day"]))
            continue
        if line == "略称説明":
            in_legend = True
            continue
        if in_legend:
            page.legend.update({x["abbr"].strip(): x["full"].strip() for x in _LEGEND_ITEM.finditer(line)})
            continue
        if not page.items and not sides and not pending and (m := _SEATS.match(line)):
            page.seats[m["name"]] = int(m["seats"])
            continue
        if m := _SIDE.match(line):
            sides += [(f.strip(), m["side"]) for f in re.split(r"[、,]", m["factions"]) if f.strip()]
            continue
        if _RESULT.match(line):
            if not pending or not sides:
                raise StancePageError(f"result {line!r} with no bill or no sides before it")
            *heads, title = pending
            categories = heads or categories
            page.items.append(PageItem(categories=list(categories),
                                       titles=[t.strip() for t in title.lstrip("-・ ").split("/") if t.strip()],
                                       sides=sides, result=line))
            pending, sides = [], []
            continue
        if sides:
            raise StancePageError(f"{line!r} after the sides of {pending[-1] if pending else '?'!r} and no result")
        if line in ("ページ先頭に戻る",):
            continue
        pending.append(line)
    if page is None:
        raise StancePageError("not a 各会派等の議案への賛否 page: no session heading")
    if not page.items:
        raise StancePageError("no bills with sides and a result")
    unknown = {f for item in page.items for f, _ in item.sides} - set(page.seats)
    if page.seats and unknown:
        raise StancePageError(f"sides name factions the page does not list: {', '.join(sorted(unknown))}")
    return page
