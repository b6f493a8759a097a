"""Human-facing HTML pages of the demo: the ward's 議員名簿 and a readable minutes view.

Everything that came from data is escaped; speeches contain characters such as '<script>' on
purpose, and these pages must show them as text.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable

from .jpformat import wareki
from .people import Member

_STYLE = """
body { font-family: sans-serif; max-width: 56em; margin: 2em auto; line-height: 1.7; color: #222; }
table { border-collapse: collapse; } th, td { border: 1px solid #999; padding: .3em .8em; }
.notice { background: #fff4d6; padding: .5em 1em; border-left: 4px solid #e0a800; }
.minute { border-top: 1px solid #ddd; padding: .5em 0; } .speaker { font-weight: bold; }
pre { white-space: pre-wrap; font-family: inherit; }
"""
NOTICE = "この議会は架空のものです。人物・会派・発言はすべてデモ用に自動生成されたもので、実在しません。"


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<p class=\"notice\">{html.escape(NOTICE)}</p>\n{body}\n</body>\n</html>\n"
    )


def roster_html(council: str, members: Iterable[Member], as_of: dt.date) -> str:
    rows = "\n".join(
        f"<tr><td>{m.seat}</td><td>{html.escape(m.name)}</td><td>{html.escape(m.kana)}</td>"
        f"<td>{html.escape(m.faction)}</td></tr>"
        for m in members
    )
    body = (
        f"<h1>{html.escape(council)} 議員名簿</h1>\n"
        f"<p>{html.escape(wareki(as_of))}現在</p>\n"
        "<table>\n<thead><tr><th>議席番号</th><th>氏名</th><th>ふりがな</th><th>会派</th></tr></thead>\n"
        f"<tbody>\n{rows}\n</tbody>\n</table>"
    )
    return _page(f"議員名簿｜{council}", body)


def minute_view_html(council_name: str, schedule_name: str, date: dt.date, meibo: str,
                     speeches: Iterable[tuple[int, str, str]]) -> str:
    """One sitting's minutes: the 名簿 (plain text) and each (minute_id, speaker, text) with an anchor
    ``id="minute-<minute_id>"``, so a search result can link straight to the speech."""
    parts = [
        f"<h1>{html.escape(council_name)}</h1>",
        f"<h2>{html.escape(schedule_name)}（{html.escape(wareki(date, weekday=True))}）</h2>",
        f"<section class=\"minute\" id=\"minute-1\"><pre>{html.escape(meibo, quote=False)}</pre></section>",
    ]
    for minute_id, speaker, text in speeches:
        paragraphs = "<br>\n".join(html.escape(line, quote=False) for line in text.split("\n"))
        parts.append(
            f"<section class=\"minute\" id=\"minute-{minute_id}\">"
            f"<p class=\"speaker\">{html.escape(speaker, quote=False)}</p><p>{paragraphs}</p></section>"
        )
    return _page(f"{council_name} {schedule_name}", "\n".join(parts))
