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

from oshigiin.dashboard import data, video
from oshigiin.dashboard.i18n import label, lang_params, t
from oshigiin.minutes.annotations import label as annotation_label

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


def page_link(page: str, *, query_params: dict | None = None, **kwargs: Any) -> None:
    """st.page_link that keeps the language: the link opens in English when the page is in English,
    also in a new tab or when copied."""
    st.page_link(page, query_params={**(query_params or {}), **lang_params()}, **kwargs)


def switch_page(page: str, query_params: dict | None = None) -> None:
    st.switch_page(page, query_params={**(query_params or {}), **lang_params()})


def browser_script(js: str) -> None:
    """Run our own JavaScript in the page (never text from the database: only constants and values we
    made, passed through json.dumps). st.html with JavaScript is not iframed, so it can reach the
    page's cookies and the sidebar; a script-only body takes no room."""
    st.html(f"<script>{js}</script>", unsafe_allow_javascript=True)


_PAGE_KEY = "shown-page"
_PHONE_PX = 768  # below this width Streamlit draws the sidebar over the page


def close_sidebar_on_phone(url_path: str) -> None:
    """After a page is chosen in the menu, fold the sidebar away on a phone: there it covers the page
    just opened. Streamlit leaves it open, so our own few lines of script close it once per change."""
    previous = st.session_state.get(_PAGE_KEY)
    st.session_state[_PAGE_KEY] = url_path
    if previous is None or previous == url_path:
        return
    st.session_state["shown-page-changes"] = changes = st.session_state.get("shown-page-changes", 0) + 1
    # `changes` (a number we count) makes each script new, so it runs again on the next page change.
    browser_script(f"""/* {changes} */ (() => {{
        if (window.innerWidth >= {_PHONE_PX}) return;
        const bar = document.querySelector('[data-testid="stSidebar"]');
        const box = bar && bar.getBoundingClientRect();
        if (!box || box.width === 0 || box.right <= 0) return;  // already folded away
        const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button')
            || document.querySelector('[data-testid="stSidebarCollapseButton"]');
        if (close) close.click();
    }})();""")


# Keyword arguments for st.multiselect / st.selectbox that keep Streamlit's own English strings out of
# the page: no "Select all" entry, and no typing filter where the options are few (an empty filter
# reads "No results", a string Streamlit does not let us translate). Placeholders are passed by
# every caller in the UI language. Finding a member by name or reading uses a text box instead.
MULTI: dict[str, Any] = {"filter_mode": None, "select_all": False}
SINGLE: dict[str, Any] = {"filter_mode": None}


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


def speech_text(text: str, notes: Any, terms: list[str] | None = None) -> None:
    """A speech's words, with its stage directions and times in place, read as what they are:
    notes of the minutes (grey), not words spoken. `terms` (a search's) are marked where they occur."""
    for piece, is_annotation in _pieces(text, notes):
        if is_annotation:
            st.caption(md_escape(piece))
        elif piece.strip():
            st.markdown(highlighted(piece, terms) if terms else md_escape(piece))


def highlighted(text: str, terms: list[str]) -> str:
    """The whole text as Markdown with every occurrence of the terms marked (matched on the normalised
    text, as search matches, and shown in the published characters)."""
    from oshigiin.minutes.normalize import normalize_text
    from oshigiin.pipeline.search.engine import snippet_segments

    # A window as wide as the text: every match, nothing cut (runs of blanks are shown as one).
    return segments_md(snippet_segments(text, normalize_text(text), terms, before=len(text) + 1,
                                        width=4 * len(text) + 1))


def search_terms(query: str | None) -> list[str]:
    """The positive words of a search query, as the search engine reads them."""
    if not query or not query.strip():
        return []
    try:
        from oshigiin.pipeline.search.engine import parse_query

        return [x for x in parse_query(query).terms if x]
    except Exception:  # noqa: BLE001 - a query the parser refuses still shows the speech, unmarked
        return []


def speech_card(row: pd.Series | dict, *, focused: bool = False, key_prefix: str = "speech",
                mark: dict | None = None, terms: list[str] | None = None) -> None:
    """One speech: seq, speaker, kind, the question it belongs to, the full text and a link to the
    published page."""
    with st.container(border=True, key=f"{key_prefix}-{row['speech_id']}"):
        pointer = "▶ " if focused else ""
        who = speaker(row["speaker_role"], row["speaker_name"], row.get("speaker_raw"))
        st.markdown(f"{pointer}**{int(row['seq'])}.** **{md_escape(who)}** {kind_badge(row['kind'])}")
        if mark:
            st.caption(md_escape(t("speech.in_question", n=mark["ordinal"], who=mark["questioner"] or "",
                                   role=t(_ROLE_LABEL.get(mark["role"], "q.asked")))))
        speech_text(row["text"], row.get("annotations"), terms)
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


# 令和3年第4回11月定例会, 架空区議会文教委員会(令和3年第4回11月定例会) → 令和3年第4回定例会: the 会期, without the
# committee that a committee's minutes put in front of it.
_SESSION = re.compile(
    r"(令和|平成|昭和)\s*(元|[0-9０-９]+)\s*年\s*(?:第\s*([0-9０-９]+)\s*回)?[^()（）]*?(定例会|臨時会)")


def session_label(session: object, first_date: object) -> str:
    """The 会期 of a sitting: era, year, number and kind of the session; else the calendar year."""
    found = _SESSION.search(str(session)) if not is_missing(session) else None
    if found:
        era, year, number, kind = found.groups()
        return f"{era}{year}年" + (f"第{number}回" if number else "") + kind
    return str(pd.Timestamp(first_date).year) if not is_missing(first_date) else t("unknown")


def topic_name(topic_id: Any) -> str:
    """A topic id from data/topics.toml in the UI language."""
    from oshigiin.dashboard.i18n import lang
    from oshigiin.pipeline.understanding.topics import taxonomy

    if is_missing(topic_id) or topic_id == "none":
        return t("topic.none")
    for topic in taxonomy().topics:
        if topic.id == topic_id:
            return topic.en if lang() == "en" else topic.ja
    return str(topic_id)


_ROLE_LABEL = {"question": "q.asked", "requestion": "q.reasked", "answer": "q.answer", "reanswer": "q.reanswer"}


QUOTE_CHARS = 120  # a short quotation (著作権法32条): the rest is read in the sitting (docs/legal.md)


def quotation(text: str, limit: int = QUOTE_CHARS) -> str:
    """The start of a speech, at most `limit` characters, cut at a sentence end when one is near."""
    flat = " ".join(str(text).split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    end = max(cut.rfind("。"), cut.rfind("？"))
    return (cut[: end + 1] if end >= limit // 2 else cut) + "…"


def question_card(db: data.DbFile, q: dict, *, show_questioner: bool = True, new: bool = False,
                  quote_only: bool = False) -> None:
    """A question: who asked, when, where, its topics and items; the exchange on demand.

    quote_only (pages narrowed to one speaker or to a resident's own list of speakers): instead of the
    full exchange, a short quotation of the question marked as such with its speaker, sitting, date and
    a link to the whole sitting, where the full text is read (著作権法32条 and 40条1項, docs/legal.md)."""
    with st.container(border=True, key=f"question-{q['question_id']}"):
        head = [fmt_date(q["date"]), label("mkind", q["meeting_kind"]), q["committee"] or q["session"]]
        badge = f":red-badge[{md_escape(t('home.new'))}] " if new else ""
        st.caption(badge + md_escape(" · ".join(str(h) for h in head if not is_missing(h))))
        who = q["questioner_name"] if not is_missing(q["questioner_name"]) else q["questioner"]
        title = md_escape(q["headline"] or t("q.untitled"))
        st.markdown((f"**{md_escape(who)}** · " if show_questioner else "") + f"**{title}**")
        topics = list(q["topics"]) if q["topics"] is not None else []
        tags = " ".join(f":blue-badge[{md_escape(topic_name(x))}]" for x in topics)
        form = " ".join(md_escape(label(prefix, x)) for prefix, x in (("qform", q["form"]), ("qstyle", q["style"]))
                        if not is_missing(x))
        st.markdown(f"{tags} {form}".strip() or " ")
        answerers = json.loads(q["answerers"]) if q["answerers"] else []
        if answerers:
            st.caption(md_escape(t("q.answered_by", who="、".join(answerers))))
        if quote_only:
            _quote(db, q)
        else:
            with st.expander(t("q.read")):
                for sp in data.load_question_speeches(db, q["question_id"]).to_dict("records"):
                    who = speaker(sp["speaker_role"], sp["speaker_name"], sp["speaker_raw"])
                    colour = "green" if "answer" in sp["role"] else "blue"
                    role = md_escape(t(_ROLE_LABEL.get(sp["role"], "q.asked")))
                    st.markdown(f":{colour}-badge[{role}] {md_escape(who)}")
                    speech_text(sp["text"], sp["annotations"])
        with st.container(horizontal=True):
            # On the search page (?q=…) the link carries the search, so the sitting marks its words and
            # leads back to the results.
            search = {"q": st.query_params["q"]} if st.query_params.get("q") else {}
            page_link("views/meetings.py", label=t("q.in_meeting"), icon=":material/article:",
                      query_params={**search, "meeting": q["meeting_id"], "speech": q["first_speech_id"]})
            if safe_url(q["source_url"]):
                st.markdown(md_link(t("q.original"), q["source_url"]))
            video.watch_link(db, q["question_id"])  # 録画で見る: dashboard/video.py


def _quote(db: data.DbFile, q: dict) -> None:
    """The question's opening words as a marked quotation with its source (speaker, sitting, date)."""
    speeches = data.load_question_speeches(db, q["question_id"])
    asked = speeches[speeches["role"] == "question"]
    if asked.empty:
        return
    first = asked.iloc[0]
    who = speaker(first["speaker_role"], first["speaker_name"], first["speaker_raw"])
    st.markdown("> " + md_escape("「" + quotation(first["text"]) + "」"))
    st.caption(md_escape(t("q.quote", who=who, meeting=q["meeting_title"], date=fmt_date(q["date"])))
               + " · " + md_escape(t("q.quote_more")))


STATIC = Path(__file__).resolve().parent / "static"  # → data/feeds, served at /app/static/


def feed_link(kind: str, key: str, label_key: str = "feed.atom") -> str | None:
    """A Markdown link to an Atom feed (member, council, search) when `oshigiin feeds` has written it."""
    from oshigiin.pipeline.sharing.feeds import feed_path

    path = feed_path(kind, key)
    if not (STATIC / path).is_file():
        return None
    # feed_path is ASCII letters, digits, - _ / . only: safe inside a link as it is.
    return f"[{md_escape(t(label_key))}](app/static/{path})"


def app_url() -> str:
    """The dashboard's address as the browser reaches it (scheme, host, base path), ending in /."""
    try:
        url = st.context.url
    except Exception:  # noqa: BLE001 - no request behind the session (AppTest)
        url = None
    parts = urlsplit(url if isinstance(url, str) else "")
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    root = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "http://localhost:8501"
    return f"{root}/{base + '/' if base else ''}"


def list_feed_link(db: data.DbFile, person_ids: list[str], *, make: bool = False) -> str | None:
    """A Markdown link to the Atom feed of a follow list. The file is written when asked (`make`) and
    rewritten when the published database is newer than it; `oshigiin load` refreshes it too."""
    from oshigiin.pipeline.sharing.feeds import feed_path, list_key, write_list_feed

    path = feed_path("list", list_key(person_ids))
    served = STATIC.resolve()  # dashboard/static is a link to data/feeds, which may not exist yet
    target = served / path
    stale = target.is_file() and target.stat().st_mtime_ns < db.mtime_ns
    if make or stale:
        served.mkdir(parents=True, exist_ok=True)
        write_list_feed(db.path, person_ids, served, base_url=app_url() + "app/static/", dashboard_url=app_url())
    if not target.is_file():
        return None
    return f"[{md_escape(t('feed.list'))}](app/static/{path})"


def feed_caption(link: str) -> None:
    """A feed link with what a feed is: most residents have never used a feed reader."""
    st.caption(link + "  \n" + md_escape(t("feed.what")))


def segments_md(segments: Any) -> str:
    """A search snippet [(text, is_match), …] as Markdown: every piece escaped, matches marked."""
    out = []
    for text, is_match in segments:
        escaped = md_escape(text)
        out.append(f":orange-background[{escaped}]" if is_match and text.strip() else escaped)
    return "".join(out)


def year_label(year: int | None) -> str:
    return str(year) if year else "—"
