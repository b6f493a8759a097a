"""質問を探す: every speech containing the words, ranked, grouped by the question it belongs to.

The query and filters live in the URL (?q=保育&member=…) so a search can be shared and is restored
on load. The engine is pipeline/search.py (exact substrings on normalised text, BM25).
"""

import altair as alt
import streamlit as st

from dashboard import data, ui
from dashboard.i18n import label, t
from pipeline.topics import taxonomy

PAGE = 20
db, council_id = ui.current()
st.title(t("page.search"))

# URL → widgets once per session; widgets → URL on every run.
PARAMS = {"q": "q", "member": "search-member", "faction": "search-faction", "from": "search-from",
          "to": "search-to", "mkind": "search-mkind", "topic": "search-topic", "kind": "search-kind",
          "order": "search-order"}
for param, key in PARAMS.items():
    if key not in st.session_state and param in st.query_params:
        value = st.query_params[param]
        st.session_state[key] = int(value) if param in ("from", "to") and value.isdigit() else value

query = st.text_input(t("search.query"), key="q", placeholder=t("search.placeholder"), help=t("search.help"))

members = data.load_members(db, council_id, former=True)
names = dict(zip(members["person_id"], members["name"], strict=True))
years = data.load_meeting_years(db, council_id)
topics = [tp.id for tp in taxonomy().topics]
with st.expander(t("search.filters")):
    left, right = st.columns(2)
    person = left.selectbox(t("search.member"), [None, *names], format_func=lambda p: names.get(p, "—"),
                            key="search-member")
    faction = right.selectbox(t("members.col.faction"), [None, *data.load_factions(db, council_id)],
                              format_func=lambda f: f or "—", key="search-faction")
    year_from = left.selectbox(t("search.from"), [None, *sorted(years)], format_func=ui.year_label, key="search-from")
    year_to = right.selectbox(t("search.to"), [None, *sorted(years, reverse=True)], format_func=ui.year_label,
                              key="search-to")
    meeting_kind = left.selectbox(t("meetings.kind"), [None, "本会議", "委員会", "その他"],
                                  format_func=lambda k: label("mkind", k) if k else "—", key="search-mkind")
    kind = right.selectbox(t("search.kind"), [None, "question", "answer"],
                           format_func=lambda k: label("kind", k) if k else "—", key="search-kind")
    topic = left.selectbox(t("member.topic"), [None, *topics], format_func=lambda x: ui.topic_name(x) if x else "—",
                           key="search-topic")
    order = right.radio(t("search.order"), ["relevance", "recent"], format_func=lambda o: t(f"search.order.{o}"),
                        horizontal=True, key="search-order")

chosen = {"q": query.strip(), "member": person, "faction": faction, "from": year_from, "to": year_to,
          "mkind": meeting_kind, "topic": topic, "kind": kind, "order": None if order == "relevance" else order}
for param, value in chosen.items():
    if value:
        if st.query_params.get(param) != str(value):
            st.query_params[param] = str(value)
    else:
        st.query_params.pop(param, None)

if not query.strip():
    st.caption(t("search.prompt"))
    st.stop()

filters = data.SearchFilters(council_id, person, faction, year_from, year_to, meeting_kind, topic, kind)
shown_key = f"search-shown-{query}-{filters}-{order}"
limit = st.session_state.get(shown_key, PAGE)
result = data.search(db, query, filters, order, limit)
if result is None:
    st.warning(t("search.no_index"))
    st.stop()
if result.total == 0:
    st.info(t("search.none", q=ui.md_escape(query.strip())))
    st.stop()

st.markdown(f"**{t('search.total', n=f'{result.total:,}')}** {t('search.shown', shown=len(result.hits))}")
if len(result.by_year) > 1:
    chart = alt.Chart(result.by_year.dropna()).mark_bar().encode(
        x=alt.X("year:O", title=None),
        y=alt.Y("hits:Q", title=t("search.hits"), axis=alt.Axis(tickMinStep=1, format="d")), tooltip=["year", "hits"])
    st.altair_chart(chart.properties(height=160), width="stretch")
if len(result.by_member):
    top = result.by_member.head(5)
    st.caption(t("search.by_member") + " " + ui.md_escape("、".join(f"{r.name} {r.hits}" for r in top.itertuples())))

st.download_button(t("search.download"), lambda: data.export_search(db, query, filters),
                   file_name=f"oshigiin-{council_id}-search.csv", mime="text/csv", icon=":material/download:",
                   on_click="ignore", key="search-download")
if meeting_kind or kind:
    st.caption(t("search.download_scope"))

hits = result.hits.to_dict("records")
questions = data.load_speech_questions(db, tuple(h["speech_id"] for h in hits))
by_speech = {r["speech_id"]: r for r in questions.to_dict("records")}
# Hits of one question stay together under it, in the order the question's best hit ranks, with
# the whole exchange a click away; a hit outside any question stands alone.
groups: dict[str, list[dict]] = {}
for hit in hits:
    q = by_speech.get(hit["speech_id"])
    groups.setdefault(q["question_id"] if q is not None else hit["speech_id"], []).append(hit)
for group in groups.values():
    q = by_speech.get(group[0]["speech_id"])
    if q is not None:
        ui.question_card(db, q)
    for hit in group:
        with st.container(border=True, key=f"hit-{hit['speech_id']}"):
            where = [ui.fmt_date(hit["date"]), label("mkind", hit["meeting_kind"]), hit["meeting_title"]]
            st.caption(ui.md_escape(" · ".join(str(w) for w in where if not ui.is_missing(w))))
            who = ui.speaker(hit["speaker_role"], hit["speaker_name"])
            st.markdown(f"**{ui.md_escape(who)}** {ui.kind_badge(hit['kind'])}")
            st.markdown(ui.segments_md(hit["snippet"]))
            st.page_link("views/meetings.py", label=t("search.open"), icon=":material/article:",
                         query_params={"meeting": hit["meeting_id"], "speech": hit["speech_id"]})
if len(hits) < result.total and st.button(t("search.more"), key="search-more"):
    st.session_state[shown_key] = limit + PAGE
    st.rerun()
