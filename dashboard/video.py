"""「録画で見る」: a question, a sitting and a member linked to their council video (pipeline/video/segments.py).

Small render functions the pages call with one line each, and the read-only queries behind them
(same rules as dashboard/data.py: cached per published file, values as parameters). A segment
opens at the moment its question starts when the captions told us (a `#t=` media fragment on the
segment's page); otherwise at the segment itself, which on JFIT is the questioner's own recording.
A database built before video existed has no video tables: nothing is shown.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from oshigiin.dashboard import data
from oshigiin.dashboard.i18n import lang
from oshigiin.pipeline.video.segments import watch_url

STRINGS = {
    "ja": {"watch": "録画で見る", "watch_at": "録画で見る（{t}から）", "meeting": "この会議の録画（{n}件）",
           "member": "録画", "member_none": "この議員の録画はまだ見つかっていません。",
           "member_note": "この議員の議会中継の録画（{n}件）。"
                          "会議録と結び付いたものは、わかる場合は質問の始まりから開きます。",
           "unlinked": "（会議録と未対応）", "platform.jfit": "JFIT", "platform.discussvision": "DiscussVision"},
    "en": {"watch": "Watch the recording", "watch_at": "Watch the recording (from {t})",
           "meeting": "Recordings of this sitting ({n})", "member": "Recordings",
           "member_none": "No recording of this member has been found yet.",
           "member_note": "This member's council video segments ({n}); those linked to the minutes open where the "
                          "question starts, when known.",
           "unlinked": "(not linked to the minutes)", "platform.jfit": "JFIT",
           "platform.discussvision": "DiscussVision"},
}


def s(key: str, **fmt: Any) -> str:
    text = STRINGS[lang()].get(key) or STRINGS["ja"][key]
    return text.format(**fmt) if fmt else text


def clock(seconds: float) -> str:
    total = int(seconds)
    if total >= 3600:
        return f"{total // 3600}:{total // 60 % 60:02d}:{total % 60:02d}"
    return f"{total // 60}:{total % 60:02d}"


@st.cache_data(max_entries=4, show_spinner=False)
def has_video(db: data.DbFile) -> bool:
    return bool(data._query(db, "SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = 'pub' "
                                "AND table_name = 'video_segments'")["n"].iloc[0])


_SEGMENT = """
    SELECT * FROM (
        SELECT v.segment_id, v.platform, v.date, v.meeting, v.ordinal, v.speaker_raw, v.segment_url, v.meeting_id,
               v.question_id, v.speech_id, v.person_id, v.match, v.agenda,
               coalesce(t.seconds, nullif(v.start_seconds, 0)) AS seconds
        FROM video_segments v
        LEFT JOIN video_speech_times t ON t.segment_id = v.segment_id AND t.speech_id = v.speech_id
    ) v
"""


@st.cache_data(max_entries=512, show_spinner=False)
def question_segments(db: data.DbFile, question_id: str) -> pd.DataFrame:
    # Timed first (it opens at the question), then by platform for a stable choice.
    return data._query(db, _SEGMENT + " WHERE v.question_id = $q ORDER BY seconds IS NULL, v.platform, v.segment_id",
                       {"q": question_id})


@st.cache_data(max_entries=128, show_spinner=False)
def meeting_segments(db: data.DbFile, meeting_id: str) -> pd.DataFrame:
    return data._query(db, _SEGMENT + " WHERE v.meeting_id = $m ORDER BY v.platform, v.ordinal, v.segment_id",
                       {"m": meeting_id})


@st.cache_data(max_entries=128, show_spinner=False)
def member_segments(db: data.DbFile, person_id: str) -> pd.DataFrame:
    return data._query(db, _SEGMENT + " WHERE v.person_id = $p ORDER BY v.date DESC, v.platform, v.ordinal",
                       {"p": person_id})


def _link(row: dict, key: str) -> None:
    seconds = row["seconds"]
    timed = seconds is not None and not pd.isna(seconds) and seconds > 0
    label = s("watch_at", t=clock(seconds)) if timed else s("watch")
    st.link_button(label, watch_url(row["segment_url"], seconds), icon=":material/smart_display:", key=key)


def watch_link(db: data.DbFile, question_id: str) -> None:
    """On a question card: one 「録画で見る」 for the question's best segment, if any."""
    if not has_video(db):
        return
    segments = question_segments(db, question_id)
    if not segments.empty:
        _link(segments.iloc[0].to_dict(), key=f"watch-{question_id}")


def _rows(frame: pd.DataFrame, key: str, show_date: bool) -> None:
    for row in frame.to_dict("records"):
        with st.container(horizontal=True, vertical_alignment="center"):
            dated = show_date and row["date"] is not None and not pd.isna(row["date"])
            when = f"{row['date']:%Y-%m-%d} " if dated else ""
            who = row["speaker_raw"] or ""
            note = "" if row["speech_id"] else " " + s("unlinked")
            st.text(f"{when}{row['meeting'] or ''} {who} · {s('platform.' + row['platform'])}{note}")
            _link(row, key=f"{key}-{row['segment_id']}")


def meeting_recordings(db: data.DbFile, meeting_id: str) -> None:
    """On the meeting page: every segment of the sitting."""
    if not has_video(db):
        return
    segments = meeting_segments(db, meeting_id)
    if not segments.empty:
        with st.expander(s("meeting", n=len(segments)), icon=":material/smart_display:"):
            _rows(segments, "meeting-watch", show_date=False)


def member_recordings(db: data.DbFile, person_id: str) -> None:
    """On the member page: their recordings, newest first."""
    if not has_video(db):
        return
    st.subheader(s("member"), anchor=False)
    segments = member_segments(db, person_id)
    if segments.empty:
        st.info(s("member_none"))
        return
    st.caption(s("member_note", n=len(segments)))
    _rows(segments.head(30), "member-watch", show_date=True)
