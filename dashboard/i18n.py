"""UI strings. Japanese is the product; English is a courtesy toggle in the sidebar.

Keys are grouped by page. `t()` falls back to Japanese, so a missing English string shows
Japanese rather than a key.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

LANG_KEY = "lang_en"

JA: dict[str, str] = {
    "app.title": "推し議員",
    "app.tagline": "地元の議員の発言を、会議録から探して読めます。",
    "sidebar.council": "議会",
    "sidebar.english": "English",
    "sidebar.fictional": "架空の議会のデモデータです。",
    "db.missing": "データベースが見つかりません（{path}）。`make run` でデモデータベースを作成してください。",
    "db.unreadable": "データベースを読み込めませんでした（{path}）: {error}",
    "db.no_councils": "データベースに議会が登録されていません。",
    "page.home": "概要",
    "page.members": "議員一覧",
    "page.meetings": "会議",
    "page.search": "発言検索",
    "home.meetings": "会議",
    "home.speeches": "発言",
    "home.members": "議員",
    "home.period": "期間",
    "home.fetched": "データ取得",
    "home.crawled": "最終巡回",
    "home.all_councils": "収録している議会",
    "home.col.name": "議会",
    "home.col.first": "最初の会議",
    "home.col.last": "最新の会議",
    "home.empty": "この議会の会議録はまだありません。",
    "members.count": "議員数",
    "members.faction": "会派で絞り込み",
    "members.all_factions": "すべての会派",
    "members.query": "名前・よみで探す",
    "members.query_help": "漢字（異体字も可）、ひらがな、カタカナで探せます。",
    "members.none": "該当する議員はいません。",
    "members.former": "元議員も表示",
    "members.former_help": "現職は議会の議員名簿（ない場合は直近の本会議の出席議員名簿）で判定しています。",
    "members.current": "現職",
    "members.former_one": "元議員",
    "members.col.status": "在職",
    "members.col.seat": "議席",
    "members.col.name": "氏名",
    "members.col.kana": "よみ",
    "members.col.faction": "会派",
    "members.col.speeches": "発言数",
    "members.col.source": "出典",
    "members.source_link": "名簿",
    "meetings.kind": "種類",
    "meetings.all_kinds": "すべての種類",
    "meetings.list": "会議の一覧（{n}件）",
    "meetings.year": "年",
    "meetings.all_years": "すべて",
    "meetings.none": "条件に合う会議はありません。",
    "meetings.open": "会議を開く",
    "meetings.not_found": "会議が見つかりません: {id}",
    "meetings.speeches": "{n}件の発言",
    "meetings.no_speeches": "この会議の発言はまだありません。",
    "meetings.focused": "共有された発言",
    "meetings.focus_missing": "リンクされた発言はこの会議にありません。",
    "meetings.source": "会議録の原文",
    "meetings.col.date": "日付",
    "meetings.col.kind": "種類",
    "meetings.col.title": "会議名",
    "meetings.col.committee": "委員会",
    "meetings.col.speeches": "発言数",
    "search.query": "発言を検索",
    "search.placeholder": "例: 保育",
    "search.help": "空白で区切ると、すべての語を含む発言を探します。",
    "search.prompt": "語句を入力して Enter で検索します。",
    "search.total": "{n}件の発言が見つかりました。",
    "search.shown": "新しい順に{shown}件を表示しています。",
    "search.none": "「{q}」を含む発言は見つかりませんでした。",
    "search.open": "会議録で読む",
    "speech.source": "原文",
    "kind.question": "質問",
    "kind.answer": "答弁",
    "kind.procedural": "議事進行",
    "kind.other": "その他",
    "mkind.本会議": "本会議",
    "mkind.委員会": "委員会",
    "mkind.その他": "その他",
    "unknown": "不明",
    "no_faction": "（会派なし）",
}

EN: dict[str, str] = {
    "app.title": "Oshigiin",
    "app.tagline": "Find and read what your local councillors said, straight from the minutes.",
    "sidebar.council": "Council",
    "sidebar.english": "English",
    "sidebar.fictional": "Demo data for a fictional council.",
    "db.missing": "Database not found ({path}). Run `make run` to create the demo database.",
    "db.unreadable": "Could not read the database ({path}): {error}",
    "db.no_councils": "The database has no councils.",
    "page.home": "Overview",
    "page.members": "Members",
    "page.meetings": "Meetings",
    "page.search": "Search",
    "home.meetings": "Meetings",
    "home.speeches": "Speeches",
    "home.members": "Members",
    "home.period": "Period",
    "home.fetched": "Data fetched",
    "home.crawled": "Last crawl",
    "home.all_councils": "Councils covered",
    "home.col.name": "Council",
    "home.col.first": "First meeting",
    "home.col.last": "Latest meeting",
    "home.empty": "No minutes for this council yet.",
    "members.count": "Members",
    "members.faction": "Filter by faction",
    "members.all_factions": "All factions",
    "members.query": "Find by name or reading",
    "members.query_help": "Kanji (variants fold), hiragana or katakana.",
    "members.none": "No matching members.",
    "members.former": "Include former members",
    "members.former_help": "Current: on the council's roster page (without one: listed at the latest plenary).",
    "members.current": "current",
    "members.former_one": "former",
    "members.col.status": "Status",
    "members.col.seat": "Seat",
    "members.col.name": "Name",
    "members.col.kana": "Reading",
    "members.col.faction": "Faction",
    "members.col.speeches": "Speeches",
    "members.col.source": "Source",
    "members.source_link": "roster",
    "meetings.kind": "Kind",
    "meetings.all_kinds": "All kinds",
    "meetings.list": "Meetings ({n})",
    "meetings.year": "Year",
    "meetings.all_years": "All",
    "meetings.none": "No meetings match.",
    "meetings.open": "Open a meeting",
    "meetings.not_found": "Meeting not found: {id}",
    "meetings.speeches": "{n} speeches",
    "meetings.no_speeches": "No speeches for this meeting yet.",
    "meetings.focused": "Shared speech",
    "meetings.focus_missing": "The linked speech is not part of this meeting.",
    "meetings.source": "Original minutes",
    "meetings.col.date": "Date",
    "meetings.col.kind": "Kind",
    "meetings.col.title": "Meeting",
    "meetings.col.committee": "Committee",
    "meetings.col.speeches": "Speeches",
    "search.query": "Search speeches",
    "search.placeholder": "e.g. 保育",
    "search.help": "Separate words with spaces to find speeches containing all of them.",
    "search.prompt": "Type a word and press Enter.",
    "search.total": "{n} speeches found.",
    "search.shown": "Showing the newest {shown}.",
    "search.none": "No speech contains “{q}”.",
    "search.open": "Read in the minutes",
    "speech.source": "Source",
    "kind.question": "Question",
    "kind.answer": "Answer",
    "kind.procedural": "Procedure",
    "kind.other": "Other",
    "mkind.本会議": "Plenary",
    "mkind.委員会": "Committee",
    "mkind.その他": "Other",
    "unknown": "unknown",
    "no_faction": "(no faction)",
}

STRINGS = {"ja": JA, "en": EN}


def lang() -> str:
    return "en" if st.session_state.get(LANG_KEY) else "ja"


def t(key: str, **fmt: Any) -> str:
    text = STRINGS[lang()].get(key) or JA[key]
    return text.format(**fmt) if fmt else text


def label(prefix: str, value: str | None) -> str:
    """A stored code (speech kind, meeting kind) in the UI language; unknown codes as-is."""
    if value is None:
        return t("unknown")
    key = f"{prefix}.{value}"
    return t(key) if key in JA else value
