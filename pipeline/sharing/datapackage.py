# Over 500 lines: the field definitions of every dataset are data; the writer is the last 100 lines.
"""What every export contains, described once: datasets, fields, keys, and the datapackage.json.

The registry below is the single definition of each exported dataset: the SQL that produces
it, every field with its Frictionless type and a Japanese and English description, the primary
and foreign keys, and the filters that apply to it. `pipeline/sharing/export.py` runs the SQL,
`package()` writes the Frictionless Data Package (profile tabular-data-package) beside the
files, and `dictionary()` renders docs/data-dictionary.md from the same definitions:

    .venv/bin/python -m oshigiin.pipeline.sharing.datapackage        # rewrite docs/data-dictionary.md

This module is long because it is the data dictionary itself, as data.

IDs come straight from the database (pipeline/publishing/schema.sql): every ID is derived from the
source's own identifiers, never from insertion order, so a re-crawl yields the same IDs
(tests/test_stable_ids.py proves it). Columns the pipeline keeps for itself are not exported:
text_norm (normalize_text(text), recomputable) and content_hash (the loader's change detector).
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from oshigiin.paths import REPO

DICTIONARY = REPO / "docs" / "data-dictionary.md"
PROFILE = "tabular-data-package"
# Copyright Act of Japan (著作権法), Article 40(1): public political speeches may be used freely.
COPYRIGHT_ACT = "https://laws.e-gov.go.jp/law/345AC0000000048"


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # Frictionless Table Schema type
    ja: str
    en: str


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Dataset:
    name: str
    ja: str
    en: str
    sql: str  # produces exactly `fields`, in order; filters refer to its rows as `d`
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    order_by: str  # total order: the same data always gives the same bytes (and version)
    foreign_keys: tuple[ForeignKey, ...] = ()
    filters: dict[str, str] = field(default_factory=dict)  # filter name → condition on d
    requires: tuple[str, ...] = ()  # filters without which the dataset means nothing
    tables: tuple[str, ...] = ()  # tables or views it reads: absent in a database, the dataset is skipped

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


# -- filters ---------------------------------------------------------------------------------------------
# Every value is a query parameter: $council, $person, $faction, $date_from, $date_to, $topic, and for a
# search query $groups (AND of ORs) and $excluded, exactly as pipeline.search parses it.
FILTER_NAMES = ("council", "person", "faction", "date_from", "date_to", "topic", "query", "meeting_kind", "kind")
FILTER_HELP = {  # filter → (`oshigiin export` option, ja, en)
    "council": ("--council", "議会（自治体コード）", "council (local government code)"),
    "person": ("--member", "議員（person_id）", "member (person_id)"),
    "faction": ("--faction", "会派（名称または organization_id）の議員",
                "members of a faction (name or organization_id)"),
    "date_from": ("--from", "この日以降（会議日・投票日）", "on or after this date (sitting or election day)"),
    "date_to": ("--until", "この日以前", "on or before this date"),
    "topic": ("--topic", "話題（data/topics.toml の id）の質問に関わるもの", "linked to a question on this topic"),
    "query": ("--query", "検索語を含む発言に関わるもの（検索と同じ構文）",
              "linked to a speech matching the search query"),
    "meeting_kind": ("--meeting-kind", "会議の種類（本会議・委員会・その他）",
                     "kind of sitting (本会議, 委員会, その他)"),
    "kind": ("--kind", "発言の種類（question・answer・procedural・other）",
             "kind of speech (question, answer, procedural, other)"),
}
# The search page's two other filters, for the datasets of speeches: a download equals the screen.
SPEECH_KINDS = {"meeting_kind": "d.meeting_kind = $meeting_kind", "kind": "d.kind = $kind"}
MATCH = ("list_bool_and(list_transform($groups::VARCHAR[][], lambda g: "
         "list_bool_or(list_transform(g, lambda t: contains(s.text_norm, t))))) "
         "AND NOT coalesce(list_bool_or(list_transform($excluded::VARCHAR[], lambda t: contains(s.text_norm, t))), "
         "false)")
_TOPIC = "SELECT question_id FROM question_topics WHERE topic = $topic"
TOPIC_VIA = {
    "speech": f"d.speech_id IN (SELECT speech_id FROM question_speeches WHERE question_id IN ({_TOPIC}))",
    "question": f"d.question_id IN ({_TOPIC})",
    "meeting": f"d.meeting_id IN (SELECT meeting_id FROM questions WHERE question_id IN ({_TOPIC}))",
    "person": f"d.person_id IN (SELECT person_id FROM questions WHERE question_id IN ({_TOPIC}))",
}
QUERY_VIA = {
    "speech": f"d.speech_id IN (SELECT s.speech_id FROM speeches s WHERE {MATCH})",
    "question": f"d.question_id IN (SELECT qs.question_id FROM question_speeches qs JOIN speeches s USING (speech_id) "
                f"WHERE {MATCH})",
    "meeting": f"d.meeting_id IN (SELECT s.meeting_id FROM speeches s WHERE {MATCH})",
    "person": f"d.person_id IN (SELECT s.person_id FROM speeches s WHERE {MATCH})",
}
FACTION_OF_PERSON = "d.person_id IN (SELECT person_id FROM members WHERE faction = $faction OR faction_id = $faction)"


def _filters(council: str | None = "d.council_id", person: str | None = None, date: str | None = None,
             faction: str | None = None, link: str | None = None) -> dict[str, str]:
    """The conditions for the filters a dataset supports; `link` says how topics and queries reach it."""
    out = {}
    if council:
        out["council"] = f"{council} = $council"
    if person:
        out["person"] = f"{person} = $person"
    if faction:
        out["faction"] = faction
    if date:
        out["date_from"] = f"{date} >= $date_from"
        out["date_to"] = f"{date} <= $date_to"
    if link:
        out["topic"] = TOPIC_VIA[link]
        out["query"] = QUERY_VIA[link]
    return out


def F(name: str, type_: str, ja: str, en: str) -> Field:  # noqa: N802 - reads like a table row
    return Field(name, type_, ja, en)


# Fields several datasets share, described once.
COUNCIL_ID = F("council_id", "string", "自治体コード（全国地方公共団体コード。架空のデモ議会は demo）",
               "Local government code (全国地方公共団体コード); 'demo' for the fictional demo council")
MEETING_ID = F("meeting_id", "string",
               "会議（会議録の1号）の ID: {council_id}-{platform}-{会議録システムの会議 ID}-{日程 ID}",
               "Sitting ID: {council_id}-{platform}-{platform council id}-{platform schedule id}")
PERSON_ID = F("person_id", "string", "議員の ID: {council_id}:{正規化した氏名}（未特定なら空）",
              "Member ID: {council_id}:{normalised name}; empty when not a resolved member")
SPEECH_ID = F("speech_id", "string", "発言の ID: {meeting_id}-{会議録システムの発言 ID}",
              "Speech ID: {meeting_id}-{platform minute id}")
QUESTION_ID = F("question_id", "string", "質問の ID: {meeting_id}-q{会議内の順番}",
                "Question ID: {meeting_id}-q{ordinal within the sitting}")
ELECTION_ID = F("election_id", "string", "選挙の ID: {地域コード}:{選挙の種類}:{投票日}",
                "Election ID: {area code}:{election type}:{election day}")
DATE = F("date", "date", "会議の日付", "Date of the sitting")
SOURCE_URL = F("source_url", "string",
               "出典: 取得したページの URL（会議録の原本）。`import:sha256:<16進>/<ファイル名>` は利用者が"
               "ダウンロードして取り込んだファイル（oshigiin import）: SHA-256 とファイル名で、Web の URL ではない",
               "Source: URL of the page fetched (the original minutes). `import:sha256:<hex>/<file name>` marks "
               "a file a user downloaded and imported (oshigiin import): its SHA-256 and name, not a web address")
FETCHED_AT = F("fetched_at", "datetime", "出典ページを取得した日時（UTC）", "When the source page was fetched (UTC)")
IMPORTED_AT = F("imported_at", "datetime", "取り込んだ日時（UTC）", "When the figure was imported (UTC)")
STATUS = F("status", "string", "official（選挙管理委員会・区の公表値）| secondary（報道・二次資料）",
           "official (election commission or council) | secondary (press, transcriptions)")
SOURCE = F("source", "string", "出典（誰の数字か）", "Who publishes the figure, in words")
FIGURE_URL = F("source_url", "string", "出典の URL", "URL of the source")


def fk(fields: str, resource: str, reference: str | None = None) -> ForeignKey:
    names = tuple(fields.split(","))
    return ForeignKey(names, resource, tuple(reference.split(",")) if reference else names)


TO_COUNCIL = fk("council_id", "councils")
TO_MEETING = fk("meeting_id", "meetings")
TO_MEMBER = fk("person_id", "members")
TO_QUESTION = fk("question_id", "questions")
TO_ELECTION = fk("election_id", "elections")

DATASETS: dict[str, Dataset] = {d.name: d for d in (
    Dataset(
        "councils", "議会", "Councils",
        "SELECT council_id, name, prefecture, platform, base_url, tenant, fictional, source_url FROM councils",
        (COUNCIL_ID,
         F("name", "string", "自治体名", "Municipality"),
         F("prefecture", "string", "都道府県", "Prefecture"),
         F("platform", "string", "会議録システム: discussnet | voices | dbsearch | kensakusystem | kokkai",
           "Minutes platform: discussnet | voices | dbsearch | kensakusystem | kokkai"),
         F("base_url", "string", "会議録サイトの URL", "Minutes website"),
         F("tenant", "string", "会議録システム上の自治体の識別子", "The council's identifier on its platform"),
         F("fictional", "boolean", "架空の議会（デモ）なら true", "True for the fictional demo council"),
         F("source_url", "string", "登録情報の出典", "Where the registry entry comes from")),
        ("council_id",), "council_id", filters=_filters(), tables=("councils",)),
    Dataset(
        "members", "議員", "Members",
        "SELECT person_id, council_id, name, name_norm, kana, kana_source, seat, faction, faction_id, current, "
        "source_url, fetched_at FROM members",
        (PERSON_ID, COUNCIL_ID,
         F("name", "string", "氏名（公表どおり）", "Name as published"),
         F("name_norm", "string", "正規化した氏名（NFKC・異体字統一・空白なし）: 名寄せの鍵",
           "Normalised name (NFKC, variant kanji folded, no spaces): the matching key"),
         F("kana", "string", "よみ（ひらがな）", "Reading in hiragana"),
         F("kana_source", "string", "よみの出典: published（議会の名簿）| generated（自動推定）",
           "Reading's origin: published (the council's roster) | generated (a machine guess)"),
         F("seat", "integer", "議席番号（最新）", "Seat number, latest known"),
         F("faction", "string", "現在の会派", "Current faction (会派)"),
         F("faction_id", "string", "現在の会派の organization_id", "organization_id of the current faction"),
         F("current", "boolean", "現職なら true（最新の名簿、なければ最新の本会議の出席者）",
           "True when sitting now (latest roster, else listed at the latest plenary)"),
         SOURCE_URL, FETCHED_AT),
        ("person_id",), "council_id, person_id", (TO_COUNCIL, fk("faction_id", "organizations", "organization_id")),
        _filters(person="d.person_id", faction="(d.faction = $faction OR d.faction_id = $faction)", link="person"),
        tables=("members",)),
    Dataset(
        "organizations", "議会・会派", "Councils and factions (organisations)",
        "SELECT organization_id, council_id, name, classification, source_url, fetched_at FROM organizations",
        (F("organization_id", "string",
           "組織の ID: {council_id}:council または {council_id}:faction:{正規化した会派名}",
           "Organisation ID: {council_id}:council or {council_id}:faction:{normalised name}"),
         COUNCIL_ID,
         F("name", "string", "名称", "Name"),
         F("classification", "string", "council（議会）| faction（会派）", "council | faction"),
         SOURCE_URL, FETCHED_AT),
        ("organization_id",), "organization_id", (TO_COUNCIL,),
        _filters(faction="(d.name = $faction OR d.organization_id = $faction)"), tables=("organizations",)),
    Dataset(
        "memberships", "所属（議会・会派）", "Memberships (council, factions)",
        "SELECT ms.membership_id, ms.person_id, ms.organization_id, o.council_id, o.classification, "
        "o.name AS organization_name, ms.role, ms.start_date, ms.end_date, ms.source_url, ms.fetched_at "
        "FROM memberships ms LEFT JOIN organizations o USING (organization_id)",
        (F("membership_id", "string", "所属の ID: {person_id}@{organization_id}", "{person_id}@{organization_id}"),
         PERSON_ID,
         F("organization_id", "string", "議会または会派の ID", "The council's or faction's organisation ID"),
         COUNCIL_ID,
         F("classification", "string", "council（議会）| faction（会派）", "council | faction"),
         F("organization_name", "string", "議会・会派の名称", "The council's or faction's name"),
         F("role", "string", "役割（member）", "Role (member)"),
         F("start_date", "date", "開始日（分かる場合）", "Start date, where known"),
         F("end_date", "date", "終了日（空なら継続中）", "End date; empty while current"),
         SOURCE_URL, FETCHED_AT),
        ("membership_id",), "membership_id",
        (TO_MEMBER, fk("organization_id", "organizations"), TO_COUNCIL),
        _filters(person="d.person_id", faction=FACTION_OF_PERSON), tables=("memberships", "organizations")),
    Dataset(
        "meetings", "会議", "Sittings (meetings)",
        "SELECT m.meeting_id, m.council_id, m.date, m.kind, m.title, m.session, m.committee, m.number, "
        "coalesce(s.n, 0) AS speeches, coalesce(q.n, 0) AS questions, m.ext_council_id, m.ext_schedule_id, "
        "m.source_url, m.fetched_at FROM meetings m "
        "LEFT JOIN (SELECT meeting_id, count(*) AS n FROM speeches GROUP BY meeting_id) s USING (meeting_id) "
        "LEFT JOIN (SELECT meeting_id, count(*) AS n FROM questions GROUP BY meeting_id) q USING (meeting_id)",
        (MEETING_ID, COUNCIL_ID, DATE,
         F("kind", "string", "本会議 | 委員会 | その他", "Plenary (本会議) | committee (委員会) | other (その他)"),
         F("title", "string", "会議録の表題（例: 令和6年第1回定例会 02月22日-01号）",
           "Title as the minutes print it"),
         F("session", "string", "会期（定例会・臨時会）", "Session (定例会 / 臨時会)"),
         F("committee", "string", "委員会名（委員会のとき）", "Committee name, for committee sittings"),
         F("number", "integer", "号", "Issue number (号)"),
         F("speeches", "integer", "発言数", "Number of speeches"),
         F("questions", "integer", "質問数", "Number of questions"),
         F("ext_council_id", "string", "会議録システムの会議 ID", "The platform's council (会議) id"),
         F("ext_schedule_id", "string", "会議録システムの日程 ID", "The platform's schedule id"),
         SOURCE_URL, FETCHED_AT),
        ("meeting_id",), "date, meeting_id", (TO_COUNCIL,),
        _filters(date="d.date", link="meeting"), tables=("meetings", "speeches", "questions")),
    Dataset(
        "speeches", "発言", "Speeches",
        "SELECT s.speech_id, s.meeting_id, s.council_id, m.date, s.seq, s.speaker_raw, s.speaker_name, "
        "s.speaker_role, s.person_id, s.kind, s.text, s.annotations, s.ext_minute_id, s.source_url, s.fetched_at "
        "FROM speeches s JOIN meetings m USING (meeting_id)",
        (SPEECH_ID, MEETING_ID, COUNCIL_ID, DATE,
         F("seq", "integer", "会議内の発言順（1から）", "Order within the sitting, from 1"),
         F("speaker_raw", "string", "発言者の表記（会議録どおり。例: ◆１５番（佐藤花子議員））",
           "Speaker as printed in the minutes"),
         F("speaker_name", "string", "発言者名（空白除去）", "Speaker's name, spaces removed"),
         F("speaker_role", "string", "役職（議長・区長・教育長など。一般の議員は空）",
           "Role (chair, mayor, superintendent …); empty for a plain member"),
         PERSON_ID,
         F("kind", "string", "question（質問）| answer（答弁）| procedural（議事進行）| other",
           "question | answer | procedural | other"),
         F("text", "string", "発言の本文（公表どおり。ト書き・時刻行は annotations へ）",
           "The words spoken, as published; stage directions and time lines moved to annotations"),
         F("annotations", "array", "本文から除いたト書き・時刻・区切り線 [{kind, at（本文中の位置）, raw}]",
           "Stage directions, times and separators taken out of text: [{kind, at (offset in text), raw}]"),
         F("ext_minute_id", "string", "会議録システムの発言 ID", "The platform's minute id"),
         SOURCE_URL, FETCHED_AT),
        ("speech_id",), "date, meeting_id, seq, speech_id", (TO_MEETING, TO_COUNCIL, TO_MEMBER),
        _filters(person="d.person_id", date="d.date", faction=FACTION_OF_PERSON, link="speech"),
        tables=("speeches", "meetings")),
    Dataset(
        "search", "検索結果（発言）", "Search results (speeches)",
        "SELECT s.speech_id, s.meeting_id, s.council_id, m.date, m.title AS meeting_title, m.kind AS meeting_kind, "
        "s.seq, s.speaker_name, s.speaker_role, s.person_id, p.faction, s.kind, s.text, s.source_url, s.fetched_at "
        "FROM speeches s JOIN meetings m USING (meeting_id) LEFT JOIN members p ON p.person_id = s.person_id",
        (SPEECH_ID, MEETING_ID, COUNCIL_ID, DATE,
         F("meeting_title", "string", "会議録の表題", "Title of the sitting"),
         F("meeting_kind", "string", "本会議 | 委員会 | その他", "本会議 | 委員会 | その他"),
         F("seq", "integer", "会議内の発言順", "Order within the sitting"),
         F("speaker_name", "string", "発言者名", "Speaker's name"),
         F("speaker_role", "string", "役職", "Role"),
         PERSON_ID,
         F("faction", "string", "発言者の現在の会派", "The speaker's current faction"),
         F("kind", "string", "question | answer | procedural | other", "question | answer | procedural | other"),
         F("text", "string", "発言の本文", "The words spoken"),
         SOURCE_URL, FETCHED_AT),
        ("speech_id",), "date DESC, meeting_id DESC, seq, speech_id", (TO_MEETING, TO_COUNCIL, TO_MEMBER),
        _filters(person="d.person_id", date="d.date", faction=FACTION_OF_PERSON, link="speech") | SPEECH_KINDS,
        requires=("query",), tables=("speeches", "meetings", "members")),
    Dataset(
        "questions", "質問", "Questions",
        "SELECT q.question_id, q.meeting_id, q.council_id, m.date, m.title AS meeting_title, q.ordinal, q.form, "
        "q.style, q.person_id, coalesce(p.name, q.questioner) AS questioner, q.questioner AS questioner_raw, "
        "q.headline, coalesce(t.topics, []) AS topics, q.items::JSON AS items, q.answerers::JSON AS answerers, "
        "q.first_seq, q.last_seq, q.source_url, q.fetched_at "
        "FROM questions q JOIN meetings m USING (meeting_id) LEFT JOIN people p ON p.person_id = q.person_id "
        "LEFT JOIN (SELECT question_id, list(topic ORDER BY score DESC, topic) AS topics FROM question_topics "
        "           GROUP BY question_id) t USING (question_id)",
        (QUESTION_ID, MEETING_ID, COUNCIL_ID, DATE,
         F("meeting_title", "string", "会議録の表題", "Title of the sitting"),
         F("ordinal", "integer", "会議内の質問の順番", "Order of the question within the sitting"),
         F("form", "string", "代表質問 | 一般質問 | 質疑", "Form: 代表質問 | 一般質問 | 質疑"),
         F("style", "string", "一括 | 一問一答", "Style: all at once (一括) | one by one (一問一答)"),
         PERSON_ID,
         F("questioner", "string", "質問者（議員名。未特定なら会議録の表記）",
           "Questioner: the member's name, else as printed"),
         F("questioner_raw", "string", "質問者の表記（会議録どおり）", "Questioner as printed"),
         F("headline", "string", "質問の特徴語（自動抽出）", "The question's salient terms (extracted)"),
         F("topics", "array", "話題の id（data/topics.toml、スコア順）", "Topic ids (data/topics.toml), by score"),
         F("items", "array", "質問項目と本文 [{no, heading, text}]（第１点目…）",
           "Numbered items with their text [{no, heading, text}]"),
         F("answerers", "array", "答弁者の役職（順に）", "Answerers' roles, in order"),
         F("first_seq", "integer", "最初の発言の seq", "seq of its first speech"),
         F("last_seq", "integer", "最後の発言の seq", "seq of its last speech"),
         SOURCE_URL, FETCHED_AT),
        ("question_id",), "date, meeting_id, ordinal, question_id", (TO_MEETING, TO_COUNCIL, TO_MEMBER),
        _filters(person="d.person_id", date="d.date", faction=FACTION_OF_PERSON, link="question"),
        tables=("questions", "question_topics", "meetings", "people")),
    Dataset(
        "question_speeches", "質問と答弁の本文", "Questions and their answers, speech by speech",
        "SELECT qs.question_id, qs.speech_id, q.meeting_id, q.council_id, m.date, qs.seq, qs.role, qs.item, "
        "s.speaker_name, s.speaker_role, s.person_id, s.text, s.source_url "
        "FROM question_speeches qs JOIN questions q USING (question_id) JOIN meetings m USING (meeting_id) "
        "JOIN speeches s ON s.speech_id = qs.speech_id",
        (QUESTION_ID, SPEECH_ID, MEETING_ID, COUNCIL_ID, DATE,
         F("seq", "integer", "発言の seq（会議内の順番）", "The speech's seq within the sitting"),
         F("role", "string", "question（質問）| answer（答弁）| requestion（再質問）| reanswer（再答弁）",
           "question | answer | requestion | reanswer"),
         F("item", "integer", "質問・答弁の対象項目の番号（分かる場合）",
           "The numbered item asked or answered, where known"),
         F("speaker_name", "string", "発言者名", "Speaker's name"),
         F("speaker_role", "string", "役職（答弁者は区長・教育長など）", "Role (mayor, superintendent … for answers)"),
         F("person_id", "string", "発言者が議員ならその ID", "The speaker's member ID, when a member"),
         F("text", "string", "発言の本文", "The words spoken"),
         SOURCE_URL),
        ("question_id", "speech_id"), "date, meeting_id, seq, question_id, speech_id",
        (TO_QUESTION, fk("speech_id", "speeches"), TO_MEETING, TO_COUNCIL, TO_MEMBER),
        _filters(date="d.date", link="question"),
        tables=("question_speeches", "questions", "meetings", "speeches")),
    Dataset(
        "question_topics", "質問の話題", "Topics of questions",
        "SELECT t.question_id, q.council_id, m.date, t.topic, t.score, t.evidence::JSON AS evidence "
        "FROM question_topics t JOIN questions q USING (question_id) JOIN meetings m USING (meeting_id)",
        (QUESTION_ID, COUNCIL_ID, DATE,
         F("topic", "string", "話題の id（data/topics.toml）", "Topic id (data/topics.toml)"),
         F("score", "number", "スコア", "Score"),
         F("evidence", "array", "根拠: 一致した語と回数 [{term, count}]",
           "Evidence: the terms that matched, with counts [{term, count}]")),
        ("question_id", "topic"), "date, question_id, topic", (TO_QUESTION, TO_COUNCIL),
        _filters(date="d.date", link="question"), tables=("question_topics", "questions", "meetings")),
    Dataset(
        "attendance", "出欠", "Attendance",
        "SELECT a.meeting_id, a.person_id, m.council_id, m.date, a.name, a.seat, a.status, a.source_url, a.fetched_at "
        "FROM attendance a JOIN meetings m USING (meeting_id)",
        (MEETING_ID, PERSON_ID, COUNCIL_ID, DATE,
         F("name", "string", "会議録の出席・欠席議員欄の氏名", "Name as listed in the minutes"),
         F("seat", "integer", "議席番号", "Seat number"),
         F("status", "string", "present（出席）| absent（欠席）", "present | absent"),
         SOURCE_URL, FETCHED_AT),
        ("meeting_id", "person_id"), "date, meeting_id, person_id", (TO_MEETING, TO_MEMBER, TO_COUNCIL),
        _filters(person="d.person_id", date="d.date", faction=FACTION_OF_PERSON), tables=("attendance", "meetings")),
    Dataset(
        "elections", "選挙", "Elections",
        "SELECT election_id, area_id, area_name, election_type, date, electorate, voters, turnout, seats, candidates, "
        "status, source, source_url, note, imported_at FROM elections",
        (ELECTION_ID,
         F("area_id", "string", "地域コード（自治体コード、demo、または 13100-tokubetsuku: 特別区平均）",
           "Area code (local government code, demo, or 13100-tokubetsuku: the 23 wards' average)"),
         F("area_name", "string", "地域名", "Area name"),
         F("election_type", "string", "選挙の種類（区議会議員選挙・区長選挙など）", "Election type"),
         F("date", "date", "投票日", "Election day"),
         F("electorate", "integer", "当日有権者数", "Electorate on the day"),
         F("voters", "integer", "投票者数", "Voters"),
         F("turnout", "number", "投票率（%、公表どおり）", "Turnout, percent, as published"),
         F("seats", "integer", "定数", "Seats"),
         F("candidates", "integer", "候補者数", "Candidates"),
         STATUS, SOURCE, FIGURE_URL,
         F("note", "string", "注記", "Note"),
         IMPORTED_AT),
        ("election_id",), "date, election_id", (),
        _filters(council="d.area_id", date="d.date"), tables=("elections",)),
    Dataset(
        "election_results", "選挙結果（候補者別）", "Election results by candidate",
        "SELECT r.election_id, e.area_id, e.date, r.name, r.name_norm, r.party, r.votes, r.elected, r.rank, r.status, "
        "r.source, r.source_url, r.imported_at FROM election_results r JOIN elections e USING (election_id)",
        (ELECTION_ID,
         F("area_id", "string", "地域コード", "Area code"),
         F("date", "date", "投票日", "Election day"),
         F("name", "string", "候補者名（公表どおり）", "Candidate's name as published"),
         F("name_norm", "string", "正規化した氏名: 議員との照合の鍵", "Normalised name: the key matched to members"),
         F("party", "string", "党派", "Party"),
         F("votes", "number", "得票数（按分票により小数あり）", "Votes (fractions from apportioned ballots)"),
         F("elected", "boolean", "当選なら true", "True when elected"),
         F("rank", "integer", "得票順位", "Rank by votes"),
         STATUS, SOURCE, FIGURE_URL, IMPORTED_AT),
        ("election_id", "name_norm"), "date, election_id, rank, name_norm", (TO_ELECTION,),
        _filters(council="d.area_id", date="d.date",
                 person="EXISTS (SELECT 1 FROM candidate_members c WHERE c.election_id = d.election_id "
                        "AND c.name_norm = d.name_norm AND c.person_id = $person)"),
        tables=("election_results", "elections", "candidate_members")),
    Dataset(
        "election_turnout_groups", "年齢別・投票区別の投票率", "Turnout by age group or polling district",
        "SELECT g.election_id, e.area_id, e.date, g.kind, g.label, g.ordinal, g.electorate, g.voters, g.turnout, "
        "g.status, g.source, g.source_url, g.note, g.imported_at "
        "FROM election_turnout_groups g JOIN elections e USING (election_id)",
        (ELECTION_ID,
         F("area_id", "string", "地域コード", "Area code"),
         F("date", "date", "投票日", "Election day"),
         F("kind", "string", "age（年齢別）| district（投票区別）", "age | district"),
         F("label", "string", "区分（20代、第1投票区など）", "Group label (20代, 第1投票区 …)"),
         F("ordinal", "integer", "公表での順番", "Order as published"),
         F("electorate", "integer", "有権者数", "Electorate"),
         F("voters", "integer", "投票者数", "Voters"),
         F("turnout", "number", "投票率（%）", "Turnout, percent"),
         STATUS, SOURCE, FIGURE_URL,
         F("note", "string", "注記（抽出調査など）", "Note (sample survey …)"),
         IMPORTED_AT),
        ("election_id", "kind", "label"), "date, election_id, kind, ordinal, label", (TO_ELECTION,),
        _filters(council="d.area_id", date="d.date"), tables=("election_turnout_groups", "elections")),
    Dataset(
        "candidate_members", "候補者と議員の対応", "Candidates linked to members",
        "SELECT election_id, council_id, election_date, name, name_norm, elected, person_id, member_name "
        "FROM candidate_members",
        (ELECTION_ID, COUNCIL_ID,
         F("election_date", "date", "投票日", "Election day"),
         F("name", "string", "候補者名（公表どおり）", "Candidate's name as published"),
         F("name_norm", "string", "正規化した氏名", "Normalised name"),
         F("elected", "boolean", "当選なら true", "True when elected"),
         PERSON_ID,
         F("member_name", "string", "議員名", "The member's name")),
        ("election_id", "name_norm", "person_id"), "election_date, election_id, name_norm, person_id",
        (TO_ELECTION, TO_MEMBER, TO_COUNCIL),
        _filters(person="d.person_id", date="d.election_date", faction=FACTION_OF_PERSON),
        tables=("candidate_members",)),
)}

# Votes (docs/votes.md): decisions, faction stances and recorded individual votes, kept apart.
MOTION_ID = F("motion_id", "string", "議案の ID: {council_id}:{年}:{議案番号}（番号のない案件は {meeting_id}:{件名}）",
              "Motion ID: {council_id}:{year}:{identifier} ({meeting_id}:{title} for an unnumbered item)")
VOTE_EVENT_ID = F("vote_event_id", "string",
                  "採決の ID: {speech_id}:{議案番号}（委員長報告による委員会の決定は末尾に :reported）、"
                  "参議院の押しボタン投票は {council_id}:rollcall:{投票結果のページ番号}",
                  "Decision ID: {speech_id}:{identifier} (':reported' for a committee's decision as reported), "
                  "{council_id}:rollcall:{page number} for a 参議院 roll call")
TO_MOTION = fk("motion_id", "motions")
TO_VOTE_EVENT = fk("vote_event_id", "vote_events")
DATASETS.update({d.name: d for d in (
    Dataset(
        "motions", "議案", "Motions (bills, petitions …)",
        "SELECT motion_id, council_id, identifier, title, classification, year, source_url, fetched_at FROM motions",
        (MOTION_ID, COUNCIL_ID,
         F("identifier", "string", "議案番号（議案第1号、陳情第3号 …）または件名",
           "Identifier as printed, or the title"),
         F("title", "string", "件名（会議録・日程に記載のもの）", "Title, where the minutes print one"),
         F("classification", "string", "種類（議案・請願・陳情・意見書案 …）", "Kind (議案, 請願, 陳情, 意見書案 …)"),
         F("year", "integer", "年（議案番号は年ごと）", "Year (numbers restart every year)"),
         SOURCE_URL, FETCHED_AT),
        ("motion_id",), "council_id, motion_id", (TO_COUNCIL,), _filters(), tables=("motions",)),
    Dataset(
        "vote_events", "採決", "Decisions (vote events)",
        "SELECT ve.vote_event_id, ve.motion_id, ve.council_id, ve.meeting_id, ve.date, ve.body, ve.reported, "
        "ve.grouping, ve.method, ve.result, ve.majority, "
        "(SELECT value FROM counts c WHERE c.vote_event_id = ve.vote_event_id AND c.option = 'yes') AS yes, "
        "(SELECT value FROM counts c WHERE c.vote_event_id = ve.vote_event_id AND c.option = 'no') AS no, "
        "(SELECT value FROM counts c WHERE c.vote_event_id = ve.vote_event_id AND c.option = 'total') AS total, "
        "ve.speech_id, ve.source, ve.evidence, ve.source_url, ve.fetched_at FROM vote_events ve",
        (VOTE_EVENT_ID, MOTION_ID, COUNCIL_ID, MEETING_ID,
         F("date", "date", "採決の日（会議の日付）", "Date of the decision (the sitting's)"),
         F("body", "string", "決定した機関（本会議・委員会名）", "Deciding body (本会議 or the committee)"),
         F("reported", "boolean", "委員長報告が伝える委員会の決定なら true", "True for a committee's decision as its "
           "chair reported it"),
         F("grouping", "string", "一括して採決した案件のまとまり", "Motions decided together share it"),
         F("method", "string", "採決方法: 簡易採決（異議なし）| 起立 | 挙手 | 押しボタン | 記名投票 | 無記名投票 "
           "| 投票",
           "Method: 簡易採決 (without objection) | 起立 (standing) | 挙手 (hands) | 押しボタン (push-button) | "
           "記名投票 (named ballot) | 無記名投票 (secret ballot) | 投票"),
         F("result", "string", "結果（可決・原案可決・否決・採択・承認・認定・同意・継続審査 …）",
           "Result as announced (可決 passed, 否決 rejected, 採択 adopted …)"),
         F("majority", "string", "全員 | 多数 | 少数 | 可否同数（発表されたもの）",
           "As announced: 全員 | 多数 | 少数 | 可否同数"),
         F("yes", "integer", "賛成数（発表されたときのみ）", "Yes count, only where announced"),
         F("no", "integer", "反対数（発表されたときのみ）", "No count, only where announced"),
         F("total", "integer", "投票総数（発表されたときのみ）", "Total, only where announced"),
         F("speech_id", "string", "結果を告げた発言（会議録へのリンク）", "The speech that announced it"),
         F("source", "string", "minutes（会議録から抽出）| roll call（参議院の投票結果）",
           "minutes (extracted from the minutes) | roll call (参議院 page)"),
         F("evidence", "string", "結果を告げた文（NFKC）または案件名", "The announcing sentence (NFKC) or the roll "
           "call's 案件名"),
         SOURCE_URL, FETCHED_AT),
        ("vote_event_id",), "council_id, date, vote_event_id", (TO_COUNCIL, TO_MOTION, TO_MEETING),
        _filters(date="d.date"), tables=("vote_events", "counts")),
    Dataset(
        "stances", "会派の態度", "Faction stances",
        "SELECT stance_id, council_id, motion_id, organization_id, faction, option_raw, option, date, source, "
        "source_url, fetched_at FROM stances",
        (F("stance_id", "string", "態度の ID: {motion_id}@{organization_id}@{出典}", "{motion_id}@{organization_id}@"
           "{source}"),
         COUNCIL_ID, MOTION_ID,
         F("organization_id", "string", "会派の ID", "The faction's organisation ID"),
         F("faction", "string", "会派名（出典どおり）", "Faction as printed"),
         F("option_raw", "string", "態度（出典どおり: 賛成・反対・○・× …）", "Stance as printed"),
         F("option", "string", "yes | no | abstain | absent | left | excluded", "yes | no | abstain | absent | left | "
           "excluded"),
         F("date", "date", "採決の日", "Date of the decision"),
         F("source", "string", "取り込んだファイル（import:ファイル名）", "The imported file (import:<name>)"),
         SOURCE_URL, FETCHED_AT),
        ("stance_id",), "council_id, motion_id, organization_id, stance_id",
        (TO_COUNCIL, TO_MOTION, fk("organization_id", "organizations")),
        _filters(date="d.date", faction="(d.faction = $faction OR d.organization_id = $faction)"),
        tables=("stances",)),
    Dataset(
        "votes", "議員ごとの投票（記録されたもの）", "Recorded individual votes",
        "SELECT v.vote_event_id, ve.council_id, ve.motion_id, ve.date, v.voter_name, v.name_norm, v.person_id, "
        "v.faction, v.option_raw, v.option, v.source_url, v.fetched_at "
        "FROM votes v JOIN vote_events ve USING (vote_event_id)",
        (VOTE_EVENT_ID, COUNCIL_ID, MOTION_ID,
         F("date", "date", "採決の日", "Date of the decision"),
         F("voter_name", "string", "議員名（出典どおり）", "Member's name as printed"),
         F("name_norm", "string", "正規化した氏名", "Normalised name"),
         PERSON_ID,
         F("faction", "string", "会派（出典どおり）", "Faction as printed with the vote"),
         F("option_raw", "string", "投票（出典どおり: ○ ● 賛成 反対 投票なし …。空欄は両方とも空白）",
           "Vote as printed (○ ● 賛成 反対 投票なし …; empty: both cells blank)"),
         F("option", "string", "yes | no | not voting | absent | abstain | left | excluded | chair",
           "yes | no | not voting | absent | abstain | left | excluded | chair"),
         SOURCE_URL, FETCHED_AT),
        ("vote_event_id", "name_norm"), "council_id, date, vote_event_id, name_norm",
        (TO_VOTE_EVENT, TO_MOTION, TO_COUNCIL),
        _filters(person="d.person_id", date="d.date", faction="(d.faction = $faction OR d.person_id IN "
                 "(SELECT person_id FROM members WHERE faction = $faction OR faction_id = $faction))"),
        tables=("votes", "vote_events")),
)})

# Council video (docs/video.md): recorded segments and the sitting, question and member each is linked to.
DATASETS["video_segments"] = Dataset(
    "video_segments", "議会中継の録画", "Council video segments",
    "SELECT v.segment_id, v.council_id, v.platform, v.ext_id, v.session, v.date, v.meeting, v.ordinal, v.speaker_raw, "
    "v.speaker_name, v.faction, v.agenda, v.segment_url, v.start_seconds, t.seconds AS question_seconds, v.media_url, "
    "v.captions_url, v.meeting_id, v.question_id, v.speech_id, v.person_id, v.match, v.source_url, v.fetched_at "
    "FROM video_segments v LEFT JOIN video_speech_times t ON t.segment_id = v.segment_id AND t.speech_id = v.speech_id",
    (F("segment_id", "string", "録画の ID: {council_id}-{配信システム}-{配信システム上の ID}",
       "Segment ID: {council_id}-{platform}-{the video site's id}"),
     COUNCIL_ID,
     F("platform", "string", "配信システム: jfit | discussvision", "Video platform: jfit | discussvision"),
     F("ext_id", "string", "配信システム上の ID（JFIT の inquiry_id など）",
       "The video site's own id (JFIT inquiry_id …)"),
     F("session", "string", "会期（配信サイトの表記）", "Session as the video site names it"),
     F("date", "date", "会議の日付", "Date of the sitting"),
     F("meeting", "string", "会議名（配信サイトの表記: 本会議・委員会名）", "Meeting as the video site names it"),
     F("ordinal", "integer", "その日の配信一覧での順番", "Order in the day's listing on the video site"),
     F("speaker_raw", "string", "発言者（配信サイトの表記どおり）", "Speaker as printed by the video site"),
     F("speaker_name", "string", "発言者名（肩書きを除いたもの）", "Speaker's name without the printed office"),
     F("faction", "string", "会派（配信サイトの表記）", "Faction as printed by the video site"),
     F("agenda", "string", "案件・内容（配信サイトの表記）", "Agenda or content line of the video site"),
     F("segment_url", "string", "録画を再生するページ", "The page that plays the segment"),
     F("start_seconds", "number", "メディア内の開始位置（秒、配信サイトが示すとき）",
       "Where the segment starts in its media (seconds), when the site says"),
     F("question_seconds", "number", "質問が始まる位置（秒、字幕と会議録の照合による）",
       "Where the question starts (seconds), from aligning the captions with the minutes"),
     F("media_url", "string", "動画ファイル・配信元（わかるとき）", "Media file or stream, when known"),
     F("captions_url", "string", "字幕（WebVTT）の URL", "Captions (WebVTT)"),
     MEETING_ID, QUESTION_ID, SPEECH_ID, PERSON_ID,
     F("match", "string", "結び付けの根拠: member | member+order | speech | sitting | ambiguous-sitting | no-sitting",
       "How it was linked: member | member+order | speech | sitting | ambiguous-sitting | no-sitting"),
     F("source_url", "string", "出典: 録画の一覧ページの URL",
       "Source: the video site's listing the segment was read from"),
     FETCHED_AT),
    ("segment_id",), "council_id, date, platform, ordinal, segment_id", (TO_COUNCIL, TO_MEETING, TO_MEMBER),
    _filters(person="d.person_id", date="d.date", faction=FACTION_OF_PERSON), tables=("video_segments",))

FORMATS = {  # format → (file suffix, media type)
    "csv": (".csv", "text/csv"),
    "parquet": (".parquet", "application/vnd.apache.parquet"),
    "ndjson": (".ndjson", "application/x-ndjson"),
    "json": (".json", "application/json"),
}

LICENSES = [{
    "name": "JP-Copyright-Act-Art40",
    "path": COPYRIGHT_ACT,
    "title": "会議録の発言は公開の場での政治上の演説・陳述であり、著作権法第40条第1項により利用できます"
             "（ただし同一の発言者のものだけを編集して利用する場合を除く）。/ Speeches are public political "
             "statements: Article 40(1) of Japan's Copyright Act allows their use, except compiling one "
             "speaker's statements alone.",
}]
CITATION = (
    "出典の示し方: 「{議会名} 会議録『{会議の表題}』（{日付}）{source_url}（{fetched_at} 取得）」。発言を引用するときは"
    "原本（source_url の会議録）で確認し、会議録を出典として示してください。選挙の数字は各行の source・source_url が"
    "出典です。このデータセットを示すときは oshigiin データセット（version {version}）と併記してください。 / "
    "Cite the original minutes: \"{council} minutes, {sitting title} ({date}), {source_url}, retrieved {fetched_at}\"; "
    "check quotes against source_url. Election figures cite the source and source_url of each row. Name this dataset "
    "as oshigiin dataset version {version}."
)


def check_filters(dataset: Dataset, used: list[str]) -> None:
    """A filter that does not apply to a dataset is an error, never silently ignored."""
    missing = [f for f in dataset.requires if f not in used]
    if missing:
        raise ValueError(f"{dataset.name} needs the {', '.join(missing)} filter")
    unknown = [f for f in used if f not in dataset.filters]
    if unknown:
        raise ValueError(f"{dataset.name} cannot be filtered by {', '.join(unknown)}; "
                         f"it can be by: {', '.join(dataset.filters) or 'nothing'}")


# -- the package ---------------------------------------------------------------------------------------
@dataclass
class Resource:
    """One exported file."""

    dataset: str
    path: Path
    format: str
    rows: int
    excel: bool = False
    spec: Dataset | None = None  # the definition written, when not DATASETS[dataset] (one speaker's excerpts)

    def sha256(self) -> str:
        h = hashlib.sha256()
        with open(self.path, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
        return h.hexdigest()


def schema(dataset: Dataset, present: set[str]) -> dict:
    """Frictionless Table Schema; foreign keys only to resources in the same package (the spec's rule)."""
    out = {
        "fields": [{"name": f.name, "type": f.type, "description": f"{f.ja} / {f.en}"} for f in dataset.fields],
        "primaryKey": list(dataset.primary_key),
    }
    keys = [{"fields": list(k.fields), "reference": {"resource": k.resource, "fields": list(k.reference)}}
            for k in dataset.foreign_keys if k.resource in present]
    if keys:
        out["foreignKeys"] = keys
    return out


# The Excel variant (`--excel`, the dashboard's downloads) guards against formula injection; plain CSV,
# NDJSON, JSON and Parquet hold the text exactly as published.
EXCEL_NOTE = (
    "Excel 用 CSV: =, +, -, @, タブ, CR で始まる文字列のセルには先頭に ' を付けています（数式として"
    "実行されないように）。元の文字列は通常の CSV・Parquet で。 / Excel variant: text cells beginning with "
    "=, +, -, @, TAB or CR are prefixed with ' so that Excel does not run them as formulas; plain CSV and "
    "Parquet keep the exact text."
)


def resource_descriptor(r: Resource, digest: str, present: set[str]) -> dict:
    ds = r.spec or DATASETS[r.dataset]
    out = {
        "name": ds.name,
        "path": r.path.name,
        "profile": "tabular-data-resource",
        "title": f"{ds.ja} / {ds.en}",
        "format": r.format,
        "mediatype": FORMATS[r.format][1],
        "encoding": "utf-8-sig" if r.excel else "utf-8",
        "bytes": r.path.stat().st_size,
        "hash": f"sha256:{digest}",
        "rows": r.rows,
        "schema": schema(ds, present),
    }
    if r.excel:
        out["description"] = EXCEL_NOTE
    if r.format == "csv":
        out["dialect"] = {"delimiter": ",", "doubleQuote": True, "header": True, "lineTerminator": "\n"}
    return out


def version_of(digests: dict[str, str]) -> str:
    """The dataset version: a hash over the files' own hashes, so the same content is the same version."""
    joined = "".join(f"{name}\t{digest}\n" for name, digest in sorted(digests.items()))
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


def _scope(con: duckdb.DuckDBPyConnection, council_id: str | None) -> dict:
    """Councils, their source sites, and the time ranges the package covers."""
    councils = con.execute("""
        SELECT council_id, name, platform, base_url, source_url, fictional FROM councils
        WHERE $council IS NULL OR council_id = $council ORDER BY council_id
    """, {"council": council_id}).fetchall()
    crawl = con.execute("""
        SELECT min(fetched_at), max(fetched_at), min(date), max(date) FROM meetings
        WHERE $council IS NULL OR council_id = $council
    """, {"council": council_id}).fetchone()
    return {"councils": councils, "crawl": crawl}


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def package(con: duckdb.DuckDBPyConnection, resources: list[Resource], filters: dict[str, object],
            name: str = "oshigiin") -> dict:
    """The datapackage.json descriptor for exported files: schemas, keys, sources, licence, citation,
    crawl time range and a content-hash version."""
    digests = {r.path.name: r.sha256() for r in resources}
    version = version_of(digests)
    present = {r.dataset for r in resources}
    scope = _scope(con, filters.get("council"))
    councils = scope["councils"]
    sources = [{"title": f"{c[1]} 会議録（{c[2]}）", "path": c[3]} for c in councils if c[3]]
    sources += [{"title": f"{c[1]}: 議会の登録情報 / registry entry", "path": c[4]}
                for c in councils if c[4] and c[4].startswith("http")]
    if present & {"elections", "election_results", "election_turnout_groups"}:
        urls = con.execute("""
            SELECT min(source), source_url FROM (
                SELECT source, source_url FROM elections UNION ALL SELECT source, source_url FROM election_results
                UNION ALL SELECT source, source_url FROM election_turnout_groups)
            WHERE source_url IS NOT NULL GROUP BY source_url ORDER BY source_url""").fetchall()
        sources += [{"title": f"選挙: {s}", "path": u} for s, u in urls]
    first_fetch, last_fetch, first_date, last_date = scope["crawl"]
    return {
        "profile": PROFILE,
        "name": name,
        "id": f"{name}-{version}",
        "title": "oshigiin 地方議会 会議録データセット / Local council minutes dataset",
        "description": "地方議会の会議録から取得した会議・発言・議員・質問と答弁、選挙のデータ。"
                       "各行に出典（source_url）と取得日時があります。/ Sittings, speeches, members, questions "
                       "with answers and elections from local council minutes; every row carries its source URL and "
                       "fetch time.",
        "version": version,
        "created": _iso(datetime.now(UTC)),
        "licenses": LICENSES,
        "citation": CITATION.replace("{version}", version),
        "sources": sources,
        "fictional": any(c[5] for c in councils),
        "filters": {k: str(v) for k, v in filters.items()},
        "crawl_time_range": {"start": _iso(first_fetch), "end": _iso(last_fetch)},
        "meeting_date_range": {"start": _iso(first_date), "end": _iso(last_date)},
        "resources": [resource_descriptor(r, digests[r.path.name], present) for r in resources],
    }


def write_package(path: Path, descriptor: dict) -> Path:
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


# -- docs/data-dictionary.md -------------------------------------------------------------------------------
def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def dictionary() -> str:
    """docs/data-dictionary.md, rendered from DATASETS."""
    lines = [
        "<!-- Generated from pipeline/sharing/datapackage.py by "
        "`.venv/bin/python -m oshigiin.pipeline.sharing.datapackage`; do not edit. -->",
        "# データ辞書 / Data dictionary",
        "",
        "`oshigiin export` が書き出すデータセットの項目・型・キー。同じ定義から各エクスポートの `datapackage.json`"
        "（Frictionless Data Package）が作られます。",
        "Fields, types and keys of every dataset `oshigiin export` writes; each export's `datapackage.json` "
        "(a Frictionless Data Package) is written from the same definitions.",
        "",
        "- 形式 / formats: " + ", ".join(f"`{f}`" for f in FORMATS) + ". CSV は UTF-8（`--excel` で BOM 付き）。"
        "CSV では array・object 型は JSON 文字列、日時は UTC の ISO 8601（`2024-04-01T03:00:00Z`）。 / CSV is UTF-8 "
        "(with a BOM under `--excel`); arrays and objects are JSON text in CSV; datetimes are UTC ISO 8601.",
        "- ID はすべて出典の識別子から作られ、再取得・再構築しても変わりません。 / Every ID is derived from the "
        "source's identifiers and is the same after a re-crawl or a rebuild.",
        "- 書き出さない内部列 / internal columns not exported: `speeches.text_norm` (= normalize_text(text)), "
        "`content_hash`.",
        "- version: 書き出したファイルの内容のハッシュ。同じ内容なら同じ version。 / a hash of the exported files' "
        "content: the same content has the same version.",
        "",
        "## 引用と利用条件 / Citation and licence",
        "",
        LICENSES[0]["title"] + f" ({LICENSES[0]['path']})",
        "",
        CITATION,
        "",
        "## 絞り込み / Filters",
        "",
        "| filter | `oshigiin export` | 説明 | description |",
        "|---|---|---|---|",
    ]
    lines += [f"| `{k}` | `{opt}` | {_cell(ja)} | {_cell(en)} |" for k, (opt, ja, en) in FILTER_HELP.items()]
    for ds in DATASETS.values():
        lines += ["", f"## `{ds.name}`: {ds.ja} / {ds.en}", "",
                  f"- primary key: {', '.join(f'`{k}`' for k in ds.primary_key)}"]
        for k in ds.foreign_keys:
            lines.append(f"- foreign key: {', '.join(k.fields)} → `{k.resource}`.{', '.join(k.reference)}")
        lines.append("- filters: " + ", ".join(f"`{f}`" for f in ds.filters)
                     + (f" (required: {', '.join(ds.requires)})" if ds.requires else ""))
        lines += ["", "| field | type | 説明 | description |", "|---|---|---|---|"]
        lines += [f"| `{f.name}` | {f.type} | {_cell(f.ja)} | {_cell(f.en)} |" for f in ds.fields]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    target = Path(argv[0]) if argv else DICTIONARY
    target.write_text(dictionary(), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
