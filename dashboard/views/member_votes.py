"""議員ページの「採決での態度」: the member's own recorded votes where they exist; otherwise the
stance of the faction they belonged to at that date, labelled as the faction's. A decision taken
without objection (簡易採決) is nobody's individual vote and is not listed here (docs/votes.md)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from oshigiin.dashboard import data, ui
from oshigiin.dashboard.i18n import label, lang_params, t


def _bill_url(motion_id: str) -> str:
    """A relative link to the 議案 page (registered with url_path 'bills'), in the current language."""
    from urllib.parse import urlencode

    return "bills?" + urlencode({"bill": motion_id, **lang_params()})


def _own(votes: pd.DataFrame) -> None:
    st.markdown(f"**{t('votes.own')}**")
    st.caption(t("votes.own_how"))
    contested = votes[votes["contested"].fillna(False).astype(bool) & votes["option"].isin(["yes", "no"])
                      & votes["line"].notna()]
    if len(contested):
        st.caption(t("votes.differed", n=len(contested), k=int((contested["option"] != contested["line"]).sum())))
    shown = votes.assign(
        date=votes["date"].map(ui.fmt_date), vote=votes["option"].map(lambda o: label("option", o)),
        line=votes["line"].map(lambda o: label("option", o) if isinstance(o, str) else ""),
        result=votes["result"].map(lambda r: label("result", r)), bill=votes["motion_id"].map(_bill_url),
        source_url=votes["source_url"].map(ui.safe_url))
    st.dataframe(shown[["date", "identifier", "title", "vote", "option_raw", "line", "result", "bill", "source_url"]],
                 hide_index=True, key="member-votes-own", column_config={
                     "date": t("votes.col.date"), "identifier": t("votes.col.motion"), "title": t("votes.col.title"),
                     "vote": t("votes.col.vote"), "option_raw": t("votes.col.printed"),
                     "line": t("votes.col.line"), "result": t("votes.col.result"),
                     "bill": st.column_config.LinkColumn(t("votes.bill_link"), display_text=t("votes.bill_link")),
                     "source_url": st.column_config.LinkColumn(t("votes.col.source"))})


def _stances(stances: pd.DataFrame) -> None:
    st.markdown(f"**{t('votes.faction')}**")
    for (faction, dated), rows in stances.groupby(["faction", "dated"], sort=False):
        if dated:
            st.caption(t("votes.faction_dated", faction=ui.md_escape(faction),
                         date=ui.fmt_date(rows["date"].max())))
        else:
            st.caption(t("votes.faction_undated", faction=ui.md_escape(faction)))
        shown = rows.assign(
            date=rows["date"].map(ui.fmt_date), stance=rows["option"].map(lambda o: label("option", o)),
            result=rows["result"].map(lambda r: label("result", r) if isinstance(r, str) else ""),
            bill=rows["motion_id"].map(_bill_url), source_url=rows["source_url"].map(ui.safe_url))
        st.dataframe(shown[["date", "identifier", "title", "stance", "result", "bill", "source_url"]],
                     hide_index=True, key=f"member-votes-faction-{faction}-{dated}", column_config={
                         "date": t("votes.col.date"), "identifier": t("votes.col.motion"),
                         "title": t("votes.col.title"), "stance": t("votes.col.stance"),
                         "result": t("votes.col.result"),
                         "bill": st.column_config.LinkColumn(t("votes.bill_link"), display_text=t("votes.bill_link")),
                         "source_url": st.column_config.LinkColumn(t("votes.col.source"))})


def render(db: data.DbFile, person_id: str) -> None:
    if not data.has_votes(db):
        return
    st.subheader(t("votes.title"), anchor=False)
    votes = data.load_member_votes(db, person_id)
    stances = data.load_member_stances(db, person_id)
    if votes.empty and stances.empty:
        st.info(t("votes.none"))
    if not votes.empty:
        _own(votes)
    if not stances.empty:
        _stances(stances)
    st.caption(t("votes.simple_note"))
