"""Contested bills on the demo's final days, in the forms real minutes print (docs/votes.md):

- the committee chair's report states each faction's side: 「賛成多数（賛成：A、B、反対：C）」;
- the plenary decides by 起立 (「起立多数であります」: nobody's individual vote is recorded), or by
  記名投票 with the names printed under 〔参照〕 (白票 / 青票), one member voting against their faction.

Deterministic from the sitting and the bill's position; draws nothing from the sitting's random
stream, so every other generated text stays as it was.
"""

from __future__ import annotations

import html
import re
import unicodedata

from . import names
from .jpformat import SP, fw
from .people import Member
from .writer import STAGE, Writer


def _sides(w: Writer, index: int) -> tuple[list[str], str, list[Member]]:
    """(factions for, the faction against, the members voting) — the chair does not vote."""
    voters = [m for m in w.ctx.present if m is not w.ctx.chair]
    factions = sorted({m.faction for m in voters if m.faction != "無所属"},
                      key=lambda f: (-sum(m.faction == f for m in voters), f))
    against = factions[-1 - (index % max(1, min(2, len(factions) - 1)))] if len(factions) > 1 else factions[0]
    return [f for f in factions if f != against], against, voters


def report_sides(w: Writer, index: int) -> str:
    """「（賛成：A、B、反対：C）」 for the committee chair's report."""
    yes, no, _ = _sides(w, index)
    return f"（賛成：{'、'.join(yes)}、反対：{no}）"


def plenary_vote(w: Writer, index: int) -> tuple[list[str], list[str]]:
    """(the question put, the outcome announced) for a contested bill in the plenary."""
    _, against, voters = _sides(w, index)
    if index % 2 == 0:
        ask = ["これより採決いたします。", "本案は、委員長報告のとおり決定することに賛成の方の起立を求めます。"
               + STAGE + "〔賛成者起立〕"]
        return ask, ["起立多数であります。", "よって、本案は原案のとおり可決されました。"]
    opposed = [m for m in voters if m.faction == against]
    rebel = opposed[-1] if len(opposed) > 1 else None   # one member votes against their faction
    no = [m for m in opposed if m is not rebel]
    yes = [m for m in voters if m not in no]
    ask = ["これより採決いたします。", "本案は記名投票をもって採決いたします。", "議場の出入口を閉鎖いたします。"
           + STAGE + "〔議場閉鎖〕", "投票を行います。"]
    done = ["投票の結果を報告いたします。",
            f"投票総数{fw(len(voters))}票、白票{fw(len(yes))}票、青票{fw(len(no))}票。",
            "以上のとおり白票が多数であります。よって、本案は原案のとおり可決されました。",
            STAGE + "〔参照〕", "賛成者（白票）の氏名",
            SP.join(f"{fw(m.seat)}番{SP}{m.printed}君" for m in yes),
            "反対者（青票）の氏名",
            SP.join(f"{fw(m.seat)}番{SP}{m.printed}君" for m in no)]
    return ask, done


# -- the council's stance pages (各会派等の議案への賛否, in 東京都議会's structure) -----------------------
_TAKEN_UP = re.compile(r"日程第\d+、(?P<bill>.+?)を議題といたします")
_SIDES = re.compile(r"（賛成：(?P<yes>.+?)、反対：(?P<no>[^）]+)）")


def _abbreviation(faction: str) -> str:
    """A short name for the page's sides, as the 都議会 page abbreviates (the legend spells it out)."""
    return faction if len(faction) <= 4 else faction[:4]


def stance_page_index(council) -> str:
    links = "\n".join(f'<li><a href="{e.council_id}.html">{html.escape(e.name)}</a></li>'
                      for e in council.calendar.councils if _contested(council, e))
    return (f"<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>各会派の議案への賛否</title>"
            f"</head><body><h1>{names.COUNCIL} 各会派等の議案への賛否</h1>\n<ul>\n{links}\n</ul></body></html>\n")


def _contested(council, entry) -> list[tuple[str, list[str], list[str]]]:
    """(bill as printed, factions for, factions against) of a session's final day, from its minutes."""
    out = []
    for m in entry.meetings:
        if m.day_type != "final":
            continue
        bill = None
        for b in council._blocks(m.council_id, m.schedule_id):
            if found := _TAKEN_UP.search(b.text):
                bill = found["bill"]
            if b.marker == "◆" and bill and (sides := _SIDES.search(b.text)):
                out.append((bill, sides["yes"].split("、"), sides["no"].split("、")))
    return out


def stance_page_html(council, name: str) -> str:
    """/gikai/taido/<会議 id>.html: one session's contested bills, each faction's side and the result
    (the demo passes every bill it decides). KeyError for a session with none (the server's 404)."""
    number = name.removesuffix(".html")
    if not number.isdigit():
        raise KeyError(name)
    entry = council.calendar.by_id[int(number)]
    items = _contested(council, entry)
    if not items:
        raise KeyError(name)
    day = max(m.date for m in entry.meetings)
    seated = council.people.seated(day)
    seats: dict[str, int] = {}
    for m in seated:
        seats[m.faction] = seats.get(m.faction, 0) + 1
    body = [f"<h2>{html.escape(_session(entry.name))} 各会派等の議案への賛否</h2>", "<ul>"]
    body += [f"<li>{html.escape(_abbreviation(f))} {n}人</li>" for f, n in sorted(seats.items(), key=lambda x: -x[1])]
    body += ["</ul>", "<h3>区長提出議案</h3>"]
    for bill, yes, no in items:
        body += ["<ul>", f"<li>{html.escape(bill)}</li>",
                 f"<li>賛成 {html.escape('、'.join(_abbreviation(f) for f in yes))}</li>",
                 f"<li>反対 {html.escape('、'.join(_abbreviation(f) for f in no))}</li>", "</ul>",
                 "<p>認定</p>" if "認定第" in bill else "<p>可決</p>"]
    body += [f"<p>{era_date(day)}現在</p>", "<h3>略称説明</h3>",
             "<p>" + "、".join(f"{html.escape(_abbreviation(f))}…{html.escape(f)}" for f in sorted(seats)) + "</p>"]
    return ("<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>各会派等の議案への賛否</title>"
            "</head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def _session(name: str) -> str:
    """'令和　６年第１回　２月定例会' → '令和6年第1回2月定例会'."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def era_date(day) -> str:
    return f"令和{day.year - 2018}年{day.month}月{day.day}日" if day.year >= 2019 else \
        f"平成{day.year - 1988}年{day.month}月{day.day}日"


def crawl_stance_pages(base_url: str) -> str:
    """Crawl the served stance pages with the real spider (a child process, as the minutes' crawl)."""
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "stances", "-a", "council=demo",
         "-a", f"index={base_url.rstrip('/')}/gikai/taido/index.html", "-s", "HTTPCACHE_ENABLED=False"],
        # The settings module by name, not scrapy.cfg: an installed package has no project folder.
        env=dict(os.environ, SCRAPY_SETTINGS_MODULE="oshigiin.crawler.settings"), capture_output=True, text=True,
        check=False)
    if result.returncode != 0:
        raise RuntimeError(f"demo stance pages crawl failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return "stances: 各会派等の議案への賛否 pages crawled"
