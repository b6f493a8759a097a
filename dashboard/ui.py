"""Rendering helpers shared by the pages.

Everything that comes from the database (speech text, names, titles) is third-party text:
it is shown either through elements that never parse it (st.text, st.dataframe) or, when
it goes into Markdown, through `md_escape` first, so `<script>` or `[x](javascript:…)` in
a speech is displayed as the characters it is.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.i18n import label, t
from pipeline.annotations import label as annotation_label

DB_KEY = "db"
COUNCIL_KEY = "council"
TZ = "Asia/Tokyo"

# CommonMark lets a backslash escape any ASCII punctuation, and the escaped character is
# always literal: escaping all of it is simpler and safer than picking the "special" ones.
_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
_KIND_COLOUR = {"question": "blue", "answer": "green", "procedural": "gray", "other": "violet"}


def md_escape(text: object) -> str:
    """Plain text → Markdown that renders as exactly that text (line breaks kept)."""
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # Leading ASCII blanks would make an indented code block; 全角 spaces are kept.
    return "  \n".join(_MD_SPECIAL.sub(r"\\\1", line.lstrip(" \t")) for line in lines)


def safe_url(url: object) -> str | None:
    """An http(s) URL fit for a Markdown link destination, or None for anything else."""
    if not isinstance(url, str) or urlsplit(url.strip()).scheme.lower() not in ("http", "https"):
        return None
    return quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~")


def md_link(text: str, url: object) -> str:
    href = safe_url(url)
    return f"[{md_escape(text)}](<{href}>)" if href else md_escape(text)


def is_missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def fmt_date(value: Any) -> str:
    if is_missing(value):
        return "—"
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    return str(value)[:10]


def fmt_time(value: Any) -> str:
    """A TIMESTAMPTZ in Japan time, to the minute."""
    if is_missing(value):
        return "—"
    ts = pd.Timestamp(value)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts
    return ts.tz_convert(TZ).strftime("%Y-%m-%d %H:%M")


def speaker(role: Any, name: Any, raw: Any = None) -> str:
    """佐藤花子 / 山田太郎（議長）; the printed form when no name was parsed."""
    who = name if not is_missing(name) else (raw if not is_missing(raw) else t("unknown"))
    return f"{who}（{role}）" if not is_missing(role) else str(who)


def kind_badge(kind: str) -> str:
    return f":{_KIND_COLOUR.get(kind, 'gray')}-badge[{md_escape(label('kind', kind))}]"


def current() -> tuple[data.DbFile, str]:
    """The database version and council chosen by app.py for this run."""
    return st.session_state[DB_KEY], st.session_state[COUNCIL_KEY]


def snippet(
    text: str, text_norm: str, terms: list[str], before: int = 40, after: int = 80
) -> tuple[str, str, str]:
    """(before, match, after) around the first hit of the first term.

    The match is looked up in the published text first; only when normalisation is what
    made it match (全角, 異体字) is the normalised text shown instead.
    """
    source = text
    term = terms[0] if terms else ""
    pos = text.find(term) if term else -1
    if pos < 0 and term:
        source, pos = text_norm, text_norm.find(term)
    if pos < 0:
        return (text[: before + after] + ("…" if len(text) > before + after else ""), "", "")
    start, end = max(0, pos - before), min(len(source), pos + len(term) + after)
    return (
        ("…" if start > 0 else "") + source[start:pos],
        source[pos : pos + len(term)],
        source[pos + len(term) : end] + ("…" if end < len(source) else ""),
    )


def highlight_md(parts: tuple[str, str, str]) -> str:
    head, match, tail = parts
    marked = f":orange-background[{md_escape(match)}]" if match else ""
    return md_escape(head) + marked + md_escape(tail)


def _pieces(text: str, notes: Any) -> list[tuple[str, bool]]:
    """The spoken text cut where annotations stood: [(text, False), (〔区長登壇〕, True), …]."""
    if notes is None or not len(notes):
        return [(text, False)]
    out, cut = [], 0
    for note in notes:
        out.append((text[cut:note["at"]], False))
        out.append((annotation_label(note), True))
        cut = note["at"]
    out.append((text[cut:], False))
    return out


def speech_text(text: str, notes: Any) -> None:
    """A speech's words, with its stage directions and times in place, read as what they are:
    notes of the minutes (grey), not words spoken."""
    for piece, is_annotation in _pieces(text, notes):
        if is_annotation:
            st.caption(md_escape(piece))
        elif piece.strip():
            st.markdown(md_escape(piece))


def speech_card(row: pd.Series | dict, *, focused: bool = False, key_prefix: str = "speech",
                mark: dict | None = None) -> None:
    """One speech: seq, speaker, kind, the question it belongs to, the full text and a link to the
    published page."""
    with st.container(border=True, key=f"{key_prefix}-{row['speech_id']}"):
        pointer = "▶ " if focused else ""
        who = speaker(row["speaker_role"], row["speaker_name"], row.get("speaker_raw"))
        st.markdown(f"{pointer}**{int(row['seq'])}.** **{md_escape(who)}** {kind_badge(row['kind'])}")
        if mark:
            st.caption(md_escape(t("speech.in_question", n=mark["ordinal"], who=mark["questioner"] or "",
                                   role=t(_ROLE_LABEL.get(mark["role"], "q.asked")))))
        speech_text(row["text"], row.get("annotations"))
        if safe_url(row["source_url"]):
            st.caption(md_link(t("speech.source"), row["source_url"]))


def initial_council(db: data.DbFile, options: list[str], query_params: Any) -> str:
    """The council a new session starts on: ?council=, else the council of a shared ?meeting=."""
    wanted = query_params.get("council")
    if wanted in options:
        return wanted
    meeting_id = query_params.get("meeting")
    meeting = data.load_meeting(db, meeting_id) if meeting_id else None
    if meeting and meeting["council_id"] in options:
        return meeting["council_id"]
    return options[0]


def topic_name(topic_id: Any) -> str:
    """A topic id from data/topics.toml in the UI language."""
    from dashboard.i18n import lang
    from pipeline.topics import taxonomy

    if is_missing(topic_id) or topic_id == "none":
        return t("topic.none")
    for topic in taxonomy().topics:
        if topic.id == topic_id:
            return topic.en if lang() == "en" else topic.ja
    return str(topic_id)


_ROLE_LABEL = {"question": "q.asked", "requestion": "q.reasked", "answer": "q.answer", "reanswer": "q.reanswer"}


def question_card(db: data.DbFile, q: dict, *, show_questioner: bool = True, new: bool = False) -> None:
    """A question: who asked, when, where, its topics and items; the exchange on demand."""
    with st.container(border=True, key=f"question-{q['question_id']}"):
        head = [fmt_date(q["date"]), label("mkind", q["meeting_kind"]), q["committee"] or q["session"]]
        badge = f":red-badge[{md_escape(t('home.new'))}] " if new else ""
        st.caption(badge + md_escape(" · ".join(str(h) for h in head if not is_missing(h))))
        who = q["questioner_name"] if not is_missing(q["questioner_name"]) else q["questioner"]
        title = md_escape(q["headline"] or t("q.untitled"))
        st.markdown((f"**{md_escape(who)}** · " if show_questioner else "") + f"**{title}**")
        topics = list(q["topics"]) if q["topics"] is not None else []
        tags = " ".join(f":blue-badge[{md_escape(topic_name(x))}]" for x in topics)
        form = " ".join(md_escape(x) for x in (q["form"], q["style"]) if not is_missing(x))
        st.markdown(f"{tags} {form}".strip() or " ")
        answerers = json.loads(q["answerers"]) if q["answerers"] else []
        if answerers:
            st.caption(md_escape(t("q.answered_by", who="、".join(answerers))))
        with st.expander(t("q.read")):
            for sp in data.load_question_speeches(db, q["question_id"]).to_dict("records"):
                who = speaker(sp["speaker_role"], sp["speaker_name"], sp["speaker_raw"])
                colour = "green" if "answer" in sp["role"] else "blue"
                role = md_escape(t(_ROLE_LABEL.get(sp["role"], "q.asked")))
                st.markdown(f":{colour}-badge[{role}] {md_escape(who)}")
                speech_text(sp["text"], sp["annotations"])
        with st.container(horizontal=True):
            st.page_link("views/meetings.py", label=t("q.in_meeting"), icon=":material/article:",
                         query_params={"meeting": q["meeting_id"], "speech": q["first_speech_id"]})
            if safe_url(q["source_url"]):
                st.markdown(md_link(t("q.original"), q["source_url"]))


STATIC = Path(__file__).resolve().parent / "static"  # → data/feeds, served at /app/static/


def feed_link(kind: str, key: str, label_key: str = "feed.atom") -> str | None:
    """A Markdown link to an Atom feed (member, council, search) when `oshigiin feeds` has written it."""
    from pipeline.feeds import feed_path

    path = feed_path(kind, key)
    if not (STATIC / path).is_file():
        return None
    # feed_path is ASCII letters, digits, - _ / . only: safe inside a link as it is.
    return f"[{md_escape(t(label_key))}](app/static/{path})"


def segments_md(segments: Any) -> str:
    """A search snippet [(text, is_match), …] as Markdown: every piece escaped, matches marked."""
    out = []
    for text, is_match in segments:
        escaped = md_escape(text)
        out.append(f":orange-background[{escaped}]" if is_match and text.strip() else escaped)
    return "".join(out)


def year_label(year: int | None) -> str:
    return str(year) if year else "—"
