"""参議院 本会議投票結果 (押しボタン投票 roll calls) → one record per member, totals checked.

Pure functions of the page body. Two formats, both read:

- 2011 (real pages in ../shared/fixtures/votes/sangiin-2011, under
  /japanese/joho1/kousei/vote/{回次}/{回次}-{MMDD}-v{NNN}.htm, UTF-8 with BOM): the date
  (「2011年 6月 22日」), a 案件名 row, 「投票総数 238 賛成票 232 反対票 6」, then per faction a
  `<TH class="party">会派名(N名)<br>賛成票 N 反対票 N`, then rows of three members, each
  `<TD class="pro">○</TD><TD class="con">　</TD><TD class="nam"><TT>氏名</TT>`; ● in the con
  cell is 反対; both cells empty is 投票なし (the President, who does not vote, is one such).
- current (2020s, under /japanese/touhyoulist/{回次}/vote_ind.htm and …-v{NNN}.htm; described
  in the fixtures' README and by public scrapers of it): totals (投票総数, 賛成, 反対) at the top,
  a `<h4 class="party">会派(N名)</h4>` per faction, then `<dl class="sanpilist">` with one
  `<li class="giin">` per member holding `<span class="pros">賛成</span>` /
  `<span class="cons">反対</span>` / `<span class="novote">…</span>` and
  `<span class="names">氏名</span>`; names padded with full-width spaces, sometimes mixed
  with half-width ones (「阿達 　 雅志」).

A roll call keeps each vote as printed and mapped (yes / no / not voting …), the faction as
printed, and the name as printed and normalised (spacing removed, NFKC, 異体字 folded), so it
links to the Diet speakers already loaded. `check()` compares each faction's and the page's
totals with the members counted; a page whose sums do not agree is reported, never loaded
silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from urllib.parse import urljoin

from lxml import html as lxml_html

from oshigiin.minutes.normalize import normalize_name

# Options as printed → Popolo-style options. 白票 / 青票 are the Diet's 記名投票 ballots (可 / 否).
OPTIONS = {
    "賛成": "yes", "○": "yes", "白票": "yes", "可": "yes",
    "反対": "no", "●": "no", "青票": "no", "否": "no",
    "投票なし": "not voting", "": "not voting", "欠席": "absent", "棄権": "abstain", "退席": "left",
    "除斥": "excluded", "議長": "chair",
}


class RollCallError(ValueError):
    pass


@dataclass
class MemberVote:
    faction: str
    name: str            # as printed, padding squeezed to single spaces
    name_norm: str       # pipeline.normalize.normalize_name: what links to people and speakers
    vote_raw: str        # as printed: 賛成 / 反対 / 投票なし (2011: ○ / ● / empty)
    vote: str            # yes | no | not voting | absent | abstain | left | excluded | chair


@dataclass
class FactionCount:
    name: str
    seats: int | None
    yes: int | None      # as the page states them (2011); None where it states none
    no: int | None


@dataclass
class RollCall:
    title: str                      # 日程第１ 現下の…法律案（内閣提出、衆議院送付）
    date: date | None
    session: int | None             # 国会回次, from the URL
    number: str | None              # 177-0622-v001
    total: int | None
    yes: int | None
    no: int | None
    factions: list[FactionCount] = field(default_factory=list)
    votes: list[MemberVote] = field(default_factory=list)
    url: str | None = None
    format: str = "2011"

    def check(self) -> list[str]:
        """Disagreements between the stated totals and the members counted (empty when none)."""
        problems = []
        for f in self.factions:
            mine = [v for v in self.votes if v.faction == f.name]
            for option, stated in (("yes", f.yes), ("no", f.no)):
                counted = sum(v.vote == option for v in mine)
                if stated is not None and counted != stated:
                    problems.append(f"{f.name}: page says {option} {stated}, members counted {counted}")
            if f.seats is not None and len(mine) != f.seats:
                problems.append(f"{f.name}: page says {f.seats} members, {len(mine)} listed")
        for option, stated in (("yes", self.yes), ("no", self.no)):
            counted = sum(v.vote == option for v in self.votes)
            if stated is not None and counted != stated:
                problems.append(f"page says {option} {stated}, members counted {counted}")
        if self.total is not None and self.yes is not None and self.no is not None and self.total != self.yes + self.no:
            problems.append(f"投票総数 {self.total} is not 賛成 {self.yes} + 反対 {self.no}")
        return problems

    def records(self) -> list[dict]:
        return [asdict(v) for v in self.votes]


_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_FACTION = re.compile(r"^(?P<name>.+?)\s*[(（]\s*(?P<seats>\d+)\s*名\s*[)）]")
_NUMBER = re.compile(r"/(?P<session>\d{2,3})/(?P<number>\d{2,3}-\d{4}-v\d{3})\.htm")
_WS = re.compile(r"\s+")


def _text(node) -> str:
    return unicodedata.normalize("NFKC", node.text_content() if node is not None else "")


def _squeeze(text: str) -> str:
    return _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def _after(label: str, text: str) -> int | None:
    m = re.search(label + r"\s*(?:票)?\s*[:：]?\s*(\d+)", text)
    return int(m.group(1)) if m else None


def _doc(body: bytes | str):
    if isinstance(body, bytes):
        body = body.decode("utf-8-sig", "replace")
    body = body.lstrip("\ufeff")
    if not body.strip():
        raise RollCallError("empty page")
    return lxml_html.fromstring(body)


def parse_roll_call(body: bytes | str, url: str | None = None) -> RollCall:
    doc = _doc(body)
    if doc.xpath('//*[contains(concat(" ", normalize-space(@class), " "), " sanpilist ")]') or \
            doc.xpath('//li[contains(concat(" ", normalize-space(@class), " "), " giin ")]'):
        call = _current(doc)
    elif doc.xpath('//th[contains(@class, "party")]'):
        call = _format_2011(doc)
    else:
        raise RollCallError("not a 参議院 roll call page: no faction headers (TH.party or h4.party)")
    call.url = url
    if url and (m := _NUMBER.search(url)):
        call.session, call.number = int(m["session"]), m["number"]
    return call


def _head(doc, call_text: str) -> tuple[date | None, int | None, int | None, int | None]:
    when = None
    if m := _DATE.search(call_text):
        when = date(int(m[1]), int(m[2]), int(m[3]))
    return when, _after("投票総数", call_text), _after("賛成", call_text), _after("反対", call_text)


def _title(doc) -> str:
    for th in doc.xpath("//th | //dt"):
        if "案件名" in _text(th):
            cell = th.getnext()
            if cell is not None:
                return _squeeze(_text(cell))
    h = doc.xpath("//h2 | //h3")
    return _squeeze(_text(h[0])) if h else ""


def _format_2011(doc) -> RollCall:
    parties = doc.xpath('//th[contains(@class, "party")]')
    top = "".join(_text(n) for n in doc.xpath('//div[@id="ContentsBox"]') or [doc])
    top = top.split(_text(parties[0]))[0]
    when, total, yes, no = _head(doc, top)
    call = RollCall(title=_title(doc), date=when, session=None, number=None, total=total, yes=yes, no=no)
    for th in parties:
        head = _text(th)
        m = _FACTION.match(head.strip())
        if not m:
            raise RollCallError(f"faction header not understood: {head.strip()[:40]!r}")
        name = _squeeze(m["name"])
        call.factions.append(FactionCount(name=name, seats=int(m["seats"]), yes=_after("賛成", head),
                                          no=_after("反対", head)))
        # The members are the rows after this header's row, up to the next header.
        row = th.getparent().getnext()
        while row is not None and not row.xpath('.//th[contains(@class, "party")]'):
            for cell in row.xpath('.//td[contains(@class, "nam")]'):
                printed = _squeeze(_text(cell))
                if not printed:
                    continue  # padding cells that fill the last row
                con = cell.getprevious()
                pro = con.getprevious() if con is not None else None
                mark = (_text(pro).strip() if pro is not None else "") or (_text(con).strip() if con is not None
                                                                            else "")
                call.votes.append(_vote(name, printed, mark))
            row = row.getnext()
    return call


def _vote(faction: str, printed: str, raw: str) -> MemberVote:
    if raw not in OPTIONS:
        raise RollCallError(f"{printed}: vote {raw!r} not understood")
    return MemberVote(faction=faction, name=printed, name_norm=normalize_name(printed), vote_raw=raw,
                      vote=OPTIONS[raw])


def _current(doc) -> RollCall:
    headers = doc.xpath('//*[contains(concat(" ", normalize-space(@class), " "), " party ")]')
    if not headers:
        raise RollCallError("roll call without faction headers (h4.party)")
    whole = _text(doc.xpath("//body")[0] if doc.xpath("//body") else doc)
    top = whole.split(_text(headers[0]))[0]
    when, total, yes, no = _head(doc, top)
    call = RollCall(title=_title(doc), date=when, session=None, number=None, total=total, yes=yes, no=no,
                    format="current")
    for h in headers:
        m = _FACTION.match(_text(h).strip())
        if not m:
            raise RollCallError(f"faction header not understood: {_text(h).strip()[:40]!r}")
        name = _squeeze(m["name"])
        call.factions.append(FactionCount(name=name, seats=int(m["seats"]), yes=None, no=None))
        node = h.getnext()
        while node is not None and not (node.get("class") and "party" in node.get("class").split()):
            for li in node.xpath('.//li[contains(concat(" ", normalize-space(@class), " "), " giin ")]'):
                printed = _squeeze(" ".join(_text(s) for s in li.xpath('.//*[contains(@class, "names")]')))
                if not printed:
                    continue
                marks = li.xpath('.//*[contains(@class, "pros") or contains(@class, "cons") '
                                 'or contains(@class, "novote")]')
                raw = _squeeze(_text(marks[0])) if marks else ""
                call.votes.append(_vote(name, printed, raw))
            node = node.getnext()
    return call


@dataclass
class IndexEntry:
    date: date | None
    title: str
    url: str


def parse_index(body: bytes | str, url: str = "") -> list[IndexEntry]:
    """vote_ind.htm: every roll call of a session, with its date and 案件名."""
    doc = _doc(body)
    out, current = [], None
    for row in doc.xpath("//tr"):
        cells_text = _text(row)
        if m := re.search(r"(平成|令和)\s*(元|\d+)\s*年\s*(\d+)\s*月\s*(\d+)\s*日", cells_text):
            year = 1 if m[2] == "元" else int(m[2])
            current = date(year + (1988 if m[1] == "平成" else 2018), int(m[3]), int(m[4]))
        elif m := _DATE.search(cells_text):
            current = date(int(m[1]), int(m[2]), int(m[3]))
        for a in row.xpath(".//a[@href]"):
            href = a.get("href")
            if re.search(r"\d{2,3}-\d{4}-v\d{3}\.htm$", href):
                out.append(IndexEntry(date=current, title=_squeeze(_text(a)), url=urljoin(url, href)))
    if not out:
        raise RollCallError("no roll calls listed (links to …-v001.htm)")
    return out


@dataclass
class HouseDecision:
    house: str                 # 参議院 | 衆議院
    date: date | None
    result: str | None         # 可決 | 否決 | 承認 …
    method: str | None         # 押しボタン | 起立 | 異議なし | 記名
    roll_call_url: str | None  # the roll call page, where the method left one


def parse_bill_page(body: bytes | str, url: str = "") -> dict:
    """A bill's 議案審議経過 page (gian/{回次}/meisai/m….htm): per house, the plenary's date, result,
    method, and the link to the roll call where it was a 押しボタン vote. Read by labels (議決日,
    議決, 採決方法 / 採決態様) in table rows, so column order does not matter."""
    doc = _doc(body)
    title = ""
    for th in doc.xpath("//th | //td"):
        if _squeeze(_text(th)) in ("件名", "議案件名"):
            nxt = th.getnext()
            title = _squeeze(_text(nxt)) if nxt is not None else ""
            break
    houses: list[HouseDecision] = []
    for table in doc.xpath("//table"):
        caption = _squeeze(_text(table.xpath("./caption")[0])) if table.xpath("./caption") else ""
        heading = caption or _squeeze(_text(table.getprevious())) if table.getprevious() is not None else caption
        house = "参議院" if "参議院" in heading else "衆議院" if "衆議院" in heading else None
        if not house or "本会議" not in heading:
            continue
        fields, link = {}, None
        for row in table.xpath(".//tr"):
            cells = row.xpath("./th | ./td")
            if len(cells) >= 2:
                fields[_squeeze(_text(cells[0]))] = _squeeze(_text(cells[1]))
                for a in cells[1].xpath(".//a[@href]"):
                    if re.search(r"-v\d{3}\.htm", a.get("href")):
                        link = urljoin(url, a.get("href"))
        when = None
        for key in ("本会議議決日", "議決日"):
            if key in fields and (m := re.search(r"(\d{4})/(\d{1,2})/(\d{1,2})", fields[key])):
                when = date(int(m[1]), int(m[2]), int(m[3]))
        method = fields.get("採決方法") or fields.get("採決態様")
        houses.append(HouseDecision(house=house, date=when, result=fields.get("議決") or fields.get("本会議議決"),
                                    method=method, roll_call_url=link))
    if not houses:
        raise RollCallError("no 本会議 decision tables on the bill page")
    return {"title": title, "url": url, "houses": [asdict(h) for h in houses]}
