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
    "page.home": "マイ推し",
    "page.members": "議員一覧",
    "page.meetings": "会議",
    "page.search": "質問を探す",
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
    "meetings.focused": "リンクされた発言",
    "meetings.focus_missing": "リンクされた発言はこの会議にありません。",
    "meetings.source": "会議録の原文",
    "meetings.questions": "この会議の質問（{n}件）",
    "meetings.speakers": "発言者で絞り込み",
    "meetings.all_speakers": "すべての発言者",
    "speech.in_question": "質問{n}（{who}）の{role}",
    "meetings.col.date": "日付",
    "meetings.col.kind": "種類",
    "meetings.col.title": "会議名",
    "meetings.col.committee": "委員会",
    "meetings.col.speeches": "発言数",
    "search.query": "発言を検索",
    "search.placeholder": "例: 保育",
    "search.help": "空白区切りで AND、OR でいずれか、-語 で除外、\"…\" で語句。1文字・2文字の語も漏れなく探します。",
    "search.prompt": "語句を入力して Enter で検索します。",
    "search.total": "{n}件の発言が見つかりました。",
    "search.shown": "{shown}件を表示しています。",
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
    "page.member": "議員ページ",
    "page.data": "データ",
    # -- residents (issue 13): follows per browser, quotations, language, feeds, downloads
    "lang.toggle_help": "表示言語はURL（?lang=en）に入ります。リンクを共有しても同じ言語で開きます。",
    "select.none": "—",
    "select.choose": "選んでください",
    "follow.shared": "共有されたフォローの一覧（{n}人）",
    "follow.adopt": "この人たちをフォロー",
    "follow.adopt_help": "あなたの一覧に追加します（今の一覧は消えません）。",
    "follow.dropped": "見つからないID（{n}件）は無視しました。",
    "follow.all_followed": "全員フォロー済みです。",
    "home.add_more": "議員を探して追加する",
    "home.share_link": "この一覧を別の端末や人に送るリンク（開いた人の一覧は置き換わらず、追加するかを選べます）:",
    "feed.list": "フォロー中の議員の新しい質問（Atomフィード）",
    "feed.list_make": "フィードのURLを作る",
    "feed.what": (
        "フィードは、フィードリーダー（Feedly、Inoreader、Thunderbird などのアプリ）に登録すると、新しい"
        "質問が記録されるたびに知らせてくれるURLです。ブラウザで開くとXMLの文字が並ぶだけですが、それで正常です。"
    ),
    "q.quote": "引用（{who}、{meeting}、{date}）",
    "q.quote_more": "全文は会議録の画面で読めます",
    "member.basis": (
        "この議員ページは、同じ議員の発言を全文で集めて並べることはせず、見出し・件数・グラフと短い引用（著作権法"
        "32条）だけを示します。発言の全文は、各会議の画面（著作権法40条1項）で読めます。"
    ),
    "member.session": "会期",
    "member.attendance_chart": "会議の種類別の出席",
    "member.att.present": "出席",
    "member.att.absent": "欠席",
    "member.att.other": "そのほか",
    "member.att.count": "回数",
    "member.compare_find": "比べる議員を名前・よみで探す",
    "member.compare_add": "比べる",
    "member.compare_remove": "外す",
    "member.compare_full": "比べられるのは2人までです。",
    "member.compare_none": "該当する議員はいません。",
    "meetings.found": "検索「{q}」で見つかった発言",
    "meetings.back": "検索結果に戻る",
    "meetings.shown_above": "{n}. この発言は上に表示しています。",
    "qform.代表質問": "代表質問",
    "qform.一般質問": "一般質問",
    "qform.質疑": "質疑",
    "qstyle.一括": "一括",
    "qstyle.一問一答": "一問一答",
    "turnout.sentence": "{date}の{name}の投票率は{turnout}",
    "turnout.first": "でした。",
    "turnout.no_previous": "でした（前回 {year}年の投票率は記録がありません）。",
    "turnout.same": "で、前回（{year}年の{previous}）と同じでした。",
    "turnout.up": "で、前回（{year}年の{previous}）から{delta}ポイント上がりました。",
    "turnout.down": "で、前回（{year}年の{previous}）から{delta}ポイント下がりました。",
    "turnout.avg_same": "{area}の平均（{average}）と同じでした。",
    "turnout.avg_above": "{area}の平均（{average}）を{gap}ポイント上回りました。",
    "turnout.avg_below": "{area}の平均（{average}）を{gap}ポイント下回りました。",
    "turnout.secondary_note": "（二次資料による値を含みます）",
    "turnout.date": "{y}年{m}月{d}日",
    "turnout.year_item": "{y}年 {name}",
    "turnout.series_average": "{area}平均",
    "avgarea.特別区（23区）": "特別区（23区）",
    "data.download.speeches": "発言",
    "data.col.field": "列",
    "data.col.type": "型",
    "data.col.description": "説明",
    "data.snapshot_title": "全データ",
    "data.datasets": "データセット",
    "data.dataset_rows": "{name}（{rows}行）",
    "data.snapshot_button": "全データをまとめてダウンロード（ZIP: Parquet と datapackage.json）",
    "data.snapshot_how": (
        "全データ（{council}を含む全議会）の Parquet ファイルと、各列の説明・出典を記した datapackage.json です。"
    ),
    "data.legal": "利用の根拠（著作権法40条1項・32条・13条）: docs/legal.md",
    "home.empty_follows": (
        "フォローしている議員はまだいません。名前やよみで探して、☆フォローを押してください。フォローした議員"
        "の最新の質問がここに並びます。"
    ),
    "home.all_members": "議員一覧から選ぶ",
    "home.share": "この一覧を共有する（一覧はこのブラウザだけに保存され、ほかの人には見えません）",
    "home.no_questions": "フォローしている議員の質問はまだ記録されていません。",
    "home.latest": "フォローしている議員の最新の質問",
    "home.since": "前回の訪問（{when}）以降に新しく取り込んだ質問: {n}件",
    "home.new": "新着",
    "follow.follow": "フォロー",
    "follow.unfollow": "フォロー中",
    "members.pick_row": "行を選ぶと議員ページを開きます。",
    "member.not_found": "議員が見つかりません: {id}",
    "member.pick": "議員一覧から議員を選んでください。",
    "member.seat": "議席{n}番",
    "member.kana_generated": "よみは名簿に掲載がないため自動で推定したものです（誤りの可能性があります）。",
    "member.questions": "質問",
    "member.source": "名簿の出典",
    "member.factions": "会派の履歴",
    "member.from": "から",
    "member.until": "まで",
    "member.topic": "分野",
    "member.over_time": "会期ごとの質問（分野別）",
    "member.no_questions": "この議員の質問はまだ記録されていません。",
    "member.latest": "最新の質問（{total}件中{n}件）",
    "member.attendance": "出席",
    "member.no_attendance": "会議録の出席議員名簿にこの議員の記載はまだありません。",
    "member.attendance_row": "**{kind}**: 名簿に載った{listed}回のうち出席{present}回（{share}）、欠席{absent}回",
    "member.attendance_how": (
        "数え方: 各会議録の冒頭にある「出席議員」「欠席議員」の名簿に載った回数です。委員会は所属する委員会の"
        "分だけ名簿に載るた"
        "め、委員会の回数は所属の違いを反映します。遅刻・早退・中座、公務や病気などの欠席理由は名簿から分から"
        "ないため数えていませ"
        "ん。発言や質問の数は活動量の一部にすぎず、質問しない役職（議長など）もあります。"
    ),
    "member.compare": "ほかの議員と比べる",
    "member.compare_with": "比べる議員（2人まで）",
    "member.compare_pick": "議員を選ぶ",
    "member.sessions": "質問した会期",
    "member.plenary_present": "本会議の出席",
    "member.top_topics": "多い分野",
    "topic.none": "分類なし",
    "q.asked": "質問",
    "q.reasked": "再質問",
    "q.answer": "答弁",
    "q.reanswer": "再答弁",
    "q.untitled": "（見出しなし）",
    "q.answered_by": "答弁: {who}",
    "q.read": "質問と答弁を読む",
    "q.in_meeting": "会議録で読む",
    "q.original": "原文",
    "data.downloads": "ダウンロード",
    "data.downloads_how": "CSV（UTF-8、Excelでそのまま開けます）。各行に出典URLと取得日時（UTC）が付いています。",
    "data.download.members": "議員",
    "data.download.meetings": "会議",
    "data.download.questions": "質問",
    "page.turnout": "投票率",
    "turnout.none": "この議会の選挙の記録はまだありません。",
    "turnout.no_figures": "投票率の数値はまだありません。",
    "turnout.by_year": "選挙ごとの投票率",
    "turnout.percent": "投票率（%）",
    "turnout.status": "出典の種類",
    "turnout.status.official": "公式発表",
    "turnout.status.secondary": "二次資料",
    "turnout.missing": "投票率が確認できていない選挙（空欄のままにしています）: {years}",
    "turnout.vs_average": "23区平均との比較",
    "turnout.groups": "年代別・地域別の投票率（{date}）",
    "turnout.sources": "出典",
    "turnout.table": "数値の一覧",
    "feed.atom": "Atomフィード（新しい質問）",
    "members.download": "議員の一覧をCSVでダウンロード",
    "member.download": "この議員の質問をすべてCSVでダウンロード",
    "meetings.download": "会議の一覧をCSVでダウンロード",
    "data.feeds": "Atomフィード（この議会の新しい会議録）",
    "data.snapshot": "全データ（Parquet と datapackage.json）は `oshigiin export --all --out DIR` で書き出せます。",
    "turnout.kind.age": "年代別",
    "turnout.kind.district": "投票区・地域別",
    "turnout.download": "CSVをダウンロード",
    "search.filters": "絞り込み・並べ替え",
    "search.member": "議員",
    "search.from": "から（年）",
    "search.to": "まで（年）",
    "search.kind": "発言の種類",
    "search.order": "並び順",
    "search.order.relevance": "関連度順",
    "search.order.recent": "新しい順",
    "search.no_index": "このデータベースには検索索引がありません。`oshigiin load` で作り直してください。",
    "search.hits": "件数",
    "search.by_member": "発言の多い議員:",
    "search.download": "結果をすべてCSVでダウンロード",
    # -- search under abuse and its dead ends (issue 13, items 2, 5, 6)
    "search.year": "年",
    "search.member_find": "議員を名前・よみで探す",
    "search.member_find_ph": "例: とくなが",
    "search.member_none": "「{q}」に当たる議員はいません。",
    "search.error.too_long": "検索語が長すぎます（{n}文字）。{max}文字以内にしてください。",
    "search.error.too_many_terms": "語が多すぎます（{n}語）。{max}語以内にしてください。",
    "search.error.timeout": (
        "検索が{seconds}秒以内に終わらなかったため止めました。語を足すか、期間・議員などで絞り込んでください。"
    ),
    "search.error.busy": "ほかの検索が混み合っています。少し待ってからもう一度お試しください。",
    "search.error.too_heavy": "この検索は使えるメモリを超えるため止めました。語を足すか、条件で絞り込んでください。",
    "search.error.failed": "この語では検索できませんでした。語を変えてお試しください。",
    "search.why_none": "検索は入力した文字をそのまま含む発言を探します（読みや言い換えでは探しません）。",
    "search.hint.only_excluded": "「-」を付けた語（{terms}）は除く語です。探す語を少なくとも一つ入れてください。",
    "search.hint.lowercase_or": (
        "小文字の「{typed}」は探す語として扱いました。どちらかを含む発言を探すには大文字の OR を使います。"
    ),
    "search.hint.reading": "「{term}」を含む発言はありません。読みなら、漢字で探してみてください。",
    "search.hint.members": "よみが「{term}」に合う議員:",
    "search.try": "「{q}」で探す",
    "search.download_one_speaker": (
        "議員で絞ったダウンロードは、発言ごとに日付・会議・質問の見出し・冒頭120字と会議録へのリンクです。一人の発言"
        "だけを全文で集めることは著作権法40条1項が認めていないため、全文は会議録でお読みください。"
    ),
    "search.more": "さらに表示",
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
    "page.home": "My members",
    "page.members": "Members",
    "page.meetings": "Meetings",
    "page.search": "Find questions",
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
    "meetings.focused": "The linked speech",
    "meetings.focus_missing": "The linked speech is not part of this meeting.",
    "meetings.source": "Original minutes",
    "meetings.questions": "Questions in this sitting ({n})",
    "meetings.speakers": "Filter by speaker",
    "meetings.all_speakers": "All speakers",
    "speech.in_question": "{role} in question {n} ({who})",
    "meetings.col.date": "Date",
    "meetings.col.kind": "Kind",
    "meetings.col.title": "Meeting",
    "meetings.col.committee": "Committee",
    "meetings.col.speeches": "Speeches",
    "search.query": "Search speeches",
    "search.placeholder": "e.g. 保育",
    "search.help": (
        "Spaces mean AND, OR for either, -word to exclude, \"…\" for a phrase. "
        "One- and two-character words are found too."
    ),
    "search.prompt": "Type a word and press Enter.",
    "search.total": "{n} speeches found.",
    "search.shown": "Showing {shown}.",
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
    "page.member": "Member",
    "page.data": "Data",
    # -- residents (issue 13): follows per browser, quotations, language, feeds, downloads
    "lang.toggle_help": "The language is kept in the URL (?lang=en): a shared link opens in the same language.",
    "select.none": "—",
    "select.choose": "Choose",
    "follow.shared": "A shared list of followed members ({n})",
    "follow.adopt": "Follow these members",
    "follow.adopt_help": "Adds them to your list (your list is kept).",
    "follow.dropped": "{n} unknown id(s) ignored.",
    "follow.all_followed": "You follow all of them.",
    "home.add_more": "Find and add members",
    "home.share_link": "A link to send this list to another device or person (it does not replace their list; they "
                       "choose whether to add it):",
    "feed.list": "New questions by the members you follow (Atom feed)",
    "feed.list_make": "Make the feed URL",
    "feed.what": (
        "A feed is a URL you add to a feed reader (an app such as Feedly, Inoreader or Thunderbird): it tells "
        "you whenever a new question is recorded. Opened in a browser it shows raw XML; that is expected."
    ),
    "q.quote": "Quotation ({who}, {meeting}, {date})",
    "q.quote_more": "Read the full text in the sitting's minutes",
    "member.basis": (
        "This page does not collect this member's speeches in full: it shows headlines, counts, charts and "
        "short quotations (Copyright Act art. 32). Full texts are read sitting by sitting (art. 40(1))."
    ),
    "member.session": "Session",
    "member.attendance_chart": "Attendance by kind of meeting",
    "member.att.present": "present",
    "member.att.absent": "absent",
    "member.att.other": "other",
    "member.att.count": "Times",
    "member.compare_find": "Find members to compare by name or reading",
    "member.compare_add": "Compare",
    "member.compare_remove": "Remove",
    "member.compare_full": "You can compare up to 2 members.",
    "member.compare_none": "No matching members.",
    "meetings.found": "The speech found by the search “{q}”",
    "meetings.back": "Back to the search results",
    "meetings.shown_above": "{n}. This speech is shown above.",
    "qform.代表質問": "representative question",
    "qform.一般質問": "general question",
    "qform.質疑": "inquiry",
    "qstyle.一括": "all at once",
    "qstyle.一問一答": "point by point",
    "turnout.sentence": "Turnout in the {name} of {date} was {turnout}",
    "turnout.first": ".",
    "turnout.no_previous": " (no turnout recorded for the previous one, {year}).",
    "turnout.same": ", the same as last time ({previous} in {year}).",
    "turnout.up": ", up {delta} points from last time ({previous} in {year}).",
    "turnout.down": ", down {delta} points from last time ({previous} in {year}).",
    "turnout.avg_same": " It equalled the {area} average ({average}).",
    "turnout.avg_above": " It was {gap} points above the {area} average ({average}).",
    "turnout.avg_below": " It was {gap} points below the {area} average ({average}).",
    "turnout.secondary_note": " (includes figures from secondary sources)",
    "turnout.date": "{y}-{m:02d}-{d:02d}",
    "turnout.year_item": "{y} {name}",
    "turnout.series_average": "{area} average",
    "avgarea.特別区（23区）": "23 special wards of Tokyo",
    "data.download.speeches": "Speeches",
    "data.col.field": "Column",
    "data.col.type": "Type",
    "data.col.description": "Description",
    "data.snapshot_title": "Everything",
    "data.datasets": "Datasets",
    "data.dataset_rows": "{name} ({rows} rows)",
    "data.snapshot_button": "Download everything (ZIP: Parquet and datapackage.json)",
    "data.snapshot_how": "Every council's data (including {council}) as Parquet files, with datapackage.json "
                         "describing every column and its sources.",
    "data.legal": "Legal basis for using the minutes (Copyright Act arts. 40(1), 32, 13): docs/legal.md",
    "home.empty_follows": (
        "You don't follow anyone yet. Find members by name or reading and press Follow: their latest question"
        "s will appear here."
    ),
    "home.all_members": "Choose from all members",
    "home.share": "Share this list (it is kept in this browser only; nobody else sees it)",
    "home.no_questions": "No questions recorded yet for the members you follow.",
    "home.latest": "Latest questions by the members you follow",
    "home.since": "New since your last visit ({when}): {n}",
    "home.new": "new",
    "follow.follow": "Follow",
    "follow.unfollow": "Following",
    "members.pick_row": "Select a row to open the member's page.",
    "member.not_found": "Member not found: {id}",
    "member.pick": "Choose a member from the list of members.",
    "member.seat": "seat {n}",
    "member.kana_generated": "The reading is not published on the roster; it was generated and may be wrong.",
    "member.questions": "Questions",
    "member.source": "Roster source",
    "member.factions": "Faction history",
    "member.from": "From",
    "member.until": "Until",
    "member.topic": "Topic",
    "member.over_time": "Questions per session, by topic",
    "member.no_questions": "No questions recorded for this member yet.",
    "member.latest": "Latest questions ({n} of {total})",
    "member.attendance": "Attendance",
    "member.no_attendance": "No attendance list in the minutes names this member yet.",
    "member.attendance_row": "**{kind}**: present {present} of {listed} times listed ({share}), absent {absent}",
    "member.attendance_how": (
        "How this is counted: the times the member appears on the 出席議"
        "員 / 欠席議員 lists at the head of each set of minutes. Members a"
        "re listed only for the committees they sit on, so committee "
        "counts reflect assignments. Arriving late, leaving early and"
        " the reasons for an absence (official duty, illness) are not"
        " in the lists and are not counted. Speeches and questions ar"
        "e only part of a member's work; some offices (the chair) do "
        "not ask questions."
    ),
    "member.compare": "Compare with other members",
    "member.compare_with": "Members to compare (up to 2)",
    "member.compare_pick": "Choose members",
    "member.sessions": "Sessions with questions",
    "member.plenary_present": "Plenary attendance",
    "member.top_topics": "Main topics",
    "topic.none": "unclassified",
    "q.asked": "Question",
    "q.reasked": "Follow-up",
    "q.answer": "Answer",
    "q.reanswer": "Further answer",
    "q.untitled": "(no headline)",
    "q.answered_by": "Answered by: {who}",
    "q.read": "Read the question and answers",
    "q.in_meeting": "Read in the minutes",
    "q.original": "Original",
    "data.downloads": "Downloads",
    "data.downloads_how": "CSV (UTF-8, opens in Excel as is). Every row carries its source URL and fetch time (UTC).",
    "data.download.members": "Members",
    "data.download.meetings": "Meetings",
    "data.download.questions": "Questions",
    "page.turnout": "Turnout",
    "turnout.none": "No elections recorded for this council yet.",
    "turnout.no_figures": "No turnout figures yet.",
    "turnout.by_year": "Turnout by election",
    "turnout.percent": "Turnout (%)",
    "turnout.status": "Source type",
    "turnout.status.official": "official",
    "turnout.status.secondary": "secondary source",
    "turnout.missing": "Elections whose turnout is not confirmed (left blank): {years}",
    "turnout.vs_average": "Against the 23-ward average",
    "turnout.groups": "Turnout by age group or district ({date})",
    "turnout.sources": "Sources",
    "turnout.table": "The figures",
    "feed.atom": "Atom feed (new questions)",
    "members.download": "Download the members (CSV)",
    "member.download": "Download all this member's questions (CSV)",
    "meetings.download": "Download the meetings (CSV)",
    "data.feeds": "Atom feed (this council's new minutes)",
    "data.snapshot": "Everything (Parquet and datapackage.json): `oshigiin export --all --out DIR`.",
    "turnout.kind.age": "By age group",
    "turnout.kind.district": "By district",
    "turnout.download": "Download CSV",
    "search.filters": "Filters and order",
    "search.member": "Member",
    "search.from": "From (year)",
    "search.to": "To (year)",
    "search.kind": "Speech kind",
    "search.order": "Order",
    "search.order.relevance": "Relevance",
    "search.order.recent": "Newest first",
    "search.no_index": "This database has no search index. Rebuild it with `oshigiin load`.",
    "search.hits": "Hits",
    "search.by_member": "Members with most hits:",
    "search.download": "Download all results (CSV)",
    "search.year": "Year",
    "search.member_find": "Find a member by name or reading",
    "search.member_find_ph": "e.g. とくなが",
    "search.member_none": "No member matches “{q}”.",
    "search.error.too_long": "The query is too long ({n} characters). Use at most {max}.",
    "search.error.too_many_terms": "The query has too many words ({n}). Use at most {max}.",
    "search.error.timeout": (
        "The search was stopped after {seconds} seconds. Add a word, or narrow it by period, member or other filters."
    ),
    "search.error.busy": "Other searches are running. Please try again in a moment.",
    "search.error.too_heavy": (
        "The search was stopped: it needs more memory than a search may use. Add a word or a filter."
    ),
    "search.error.failed": "This query could not be searched. Please try other words.",
    "search.why_none": "Search finds speeches containing exactly the characters typed (not readings or synonyms).",
    "search.hint.only_excluded": "Words with “-” ({terms}) are excluded. Add at least one word to look for.",
    "search.hint.lowercase_or": (
        "The lower-case “{typed}” was searched as a word. To find speeches with either word, write OR in capitals."
    ),
    "search.hint.reading": "No speech contains “{term}”. If it is a reading, try it in kanji:",
    "search.hint.members": "Members whose name reads “{term}”:",
    "search.try": "Search “{q}”",
    "search.download_one_speaker": (
        "Downloads narrowed to one member give, per speech, the date, sitting, question headline, the first 120 "
        "characters and a link to the minutes: Japan's Copyright Act (Art. 40(1)) does not allow compiling one "
        "speaker's statements in full. Read the full text in the minutes."
    ),
    "search.more": "Show more",
}

STRINGS = {"ja": JA, "en": EN}
LANG_PARAM = "lang"
_LANG = "ui-lang"  # the session's language: not a widget key, so a page switch never drops it


def sync_lang() -> str:
    """The language of this run, with the URL as the source of truth: ?lang=en (or ?lang=ja) wins;
    without it (a menu click or st.switch_page drops query parameters) the session's language stays
    and is written back into the URL, so reloads and shared links keep it."""
    wanted = st.query_params.get(LANG_PARAM)
    if wanted in STRINGS:
        st.session_state[_LANG] = wanted
    current = st.session_state.get(_LANG, "ja")
    if current == "en" and wanted != "en":
        st.query_params[LANG_PARAM] = "en"
    elif current == "ja" and wanted is not None:
        st.query_params.pop(LANG_PARAM, None)
    st.session_state[LANG_KEY] = current == "en"  # the sidebar toggle shows the language in force
    return current


def toggled() -> None:
    """The sidebar toggle's callback: the new language into the session and the URL."""
    st.session_state[_LANG] = "en" if st.session_state.get(LANG_KEY) else "ja"
    if st.session_state[_LANG] == "en":
        st.query_params[LANG_PARAM] = "en"
    else:
        st.query_params.pop(LANG_PARAM, None)


def lang() -> str:
    return st.session_state.get(_LANG, "ja")


def lang_params() -> dict[str, str]:
    """Query parameters a link must carry to open in the current language."""
    return {LANG_PARAM: "en"} if lang() == "en" else {}


def t(key: str, **fmt: Any) -> str:
    text = STRINGS[lang()].get(key) or JA[key]
    return text.format(**fmt) if fmt else text


def label(prefix: str, value: str | None) -> str:
    """A stored code (speech kind, meeting kind) in the UI language; unknown codes as-is."""
    if value is None:
        return t("unknown")
    key = f"{prefix}.{value}"
    return t(key) if key in JA else value
