"""質問を探す: every speech containing the words, ranked, grouped by the question it belongs to.

The query and filters live in the URL (?q=保育&member=…) so a search can be shared and is restored
on load. The engine is pipeline/search/engine.py (exact substrings on normalised text, BM25). A query
the engine refuses or stops (too long, too many words, over its time budget) gets a message in
the page's language, never a traceback; a search that finds nothing says why and what to try
(pipeline/search/hints.py). The download holds every hit under every filter shown here.
"""

import altair as alt
import streamlit as st

from oshigiin.dashboard import data, ui
from oshigiin.dashboard.i18n import label, t
from oshigiin.pipeline.search import hints as search_hints
from oshigiin.pipeline.search.hints import lowercase_or
from oshigiin.pipeline.search.query import QueryError
from oshigiin.pipeline.understanding.topics import taxonomy

PAGE = 20
db, council_id = ui.current()
st.title(t("page.search"))
# Topic-term readings for the "did you mean 保育?" hint take seconds to compute once per process:
# started now, they are ready by the time a kana query finds nothing.
search_hints.warm()

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
readings = dict(zip(members["person_id"], members["kana"], strict=True))
years = data.load_meeting_years(db, council_id)
topics = [tp.id for tp in taxonomy().topics]


def member_label(person_id: str | None) -> str:
    if person_id is None:
        return t("select.none")
    kana = readings.get(person_id)
    return f"{names.get(person_id, person_id)}（{kana}）" if isinstance(kana, str) and kana else names.get(person_id,
                                                                                                         person_id)


with st.expander(t("search.filters")):
    left, right = st.columns(2)
    # A member is found by name or reading (kanji, hiragana, katakana) in a text box: Streamlit's own
    # type-to-filter would answer a miss with its untranslated "No results".
    finder = left.text_input(t("search.member_find"), key="search-member-find", placeholder=t("search.member_find_ph"))
    found = data.load_members(db, council_id, query=finder.strip(), former=True) if finder.strip() else members
    chosen_member = st.session_state.get("search-member")
    options = list(dict.fromkeys([*found["person_id"], *([chosen_member] if chosen_member in names else [])]))
    if chosen_member is not None and chosen_member not in names:
        st.session_state["search-member"] = None  # an unknown id from a URL: dropped, not an error
    if finder.strip() and found.empty:
        left.caption(t("search.member_none", q=ui.md_escape(finder.strip())))
    person = right.selectbox(t("search.member"), [None, *options], format_func=member_label, key="search-member",
                             placeholder=t("select.choose"), **ui.SINGLE)
    faction = left.selectbox(t("members.col.faction"), [None, *data.load_factions(db, council_id)],
                             format_func=lambda f: f or t("select.none"), key="search-faction",
                             placeholder=t("select.choose"), **ui.SINGLE)
    meeting_kind = right.selectbox(t("meetings.kind"), [None, "本会議", "委員会", "その他"],
                                   format_func=lambda k: label("mkind", k) if k else t("select.none"),
                                   key="search-mkind", placeholder=t("select.choose"), **ui.SINGLE)
    year_from = left.selectbox(t("search.from"), [None, *sorted(years)], format_func=ui.year_label, key="search-from",
                               placeholder=t("select.choose"), **ui.SINGLE)
    year_to = right.selectbox(t("search.to"), [None, *sorted(years, reverse=True)], format_func=ui.year_label,
                              key="search-to", placeholder=t("select.choose"), **ui.SINGLE)
    kind = left.selectbox(t("search.kind"), [None, "question", "answer"],
                          format_func=lambda k: label("kind", k) if k else t("select.none"), key="search-kind",
                          placeholder=t("select.choose"), **ui.SINGLE)
    topic = right.selectbox(t("member.topic"), [None, *topics],
                            format_func=lambda x: ui.topic_name(x) if x else t("select.none"), key="search-topic",
                            placeholder=t("select.choose"), **ui.SINGLE)
    order = left.radio(t("search.order"), ["relevance", "recent"], format_func=lambda o: t(f"search.order.{o}"),
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


def suggest(queries: list[str], key: str) -> None:
    """Buttons that run a suggested query (a link to this page would keep the typed one: the box
    only reads the URL when the session starts)."""
    cols = st.columns(min(len(queries), 4) or 1)
    for i, q in enumerate(queries):
        cols[i % len(cols)].button(t("search.try", q=ui.md_escape(q)), key=f"{key}-{i}",
                                   on_click=st.session_state.update, kwargs={"q": q})


filters = data.SearchFilters(council_id, person, faction, year_from, year_to, meeting_kind, topic, kind)
shown_key = f"search-shown-{query}-{filters}-{order}"
limit = st.session_state.get(shown_key, PAGE)
try:
    result = data.search(db, query, filters, order, limit)
except QueryError as exc:
    st.warning(t(f"search.error.{exc.code}", **exc.params))
    st.stop()
if result is None:
    st.warning(t("search.no_index"))
    st.stop()

# Nothing found: why, and what to try. Something found with a lower-case `or`: say what it meant.
if result.total == 0:
    st.info(t("search.none", q=ui.md_escape(query.strip())) + " " + t("search.why_none"))
hints = data.search_hints(db, query, council_id) if result.total == 0 else [h for h in [lowercase_or(query)] if h]
for hint in hints:
    st.info(t(f"search.hint.{hint.code}", **{k: ui.md_escape(v) for k, v in hint.params.items()}))
    if hint.queries:
        suggest(hint.queries, f"search-hint-{hint.code}")
    if hint.members:
        st.caption(t("search.hint.members", term=ui.md_escape(hint.params.get("term", ""))))
        for person_id, name in hint.members:
            ui.page_link("views/member.py", label=ui.md_escape(name), icon=":material/person:",
                         query_params={"member": person_id})
if result.total == 0:
    st.stop()

st.markdown(f"**{t('search.total', n=f'{result.total:,}')}** {t('search.shown', shown=len(result.hits))}")
if len(result.by_year) > 1:
    chart = alt.Chart(result.by_year.dropna()).mark_bar().encode(
        x=alt.X("year:O", title=None),
        y=alt.Y("hits:Q", title=t("search.hits"), axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=[alt.Tooltip("year:O", title=t("search.year")), alt.Tooltip("hits:Q", title=t("search.hits"))])
    st.altair_chart(chart.properties(height=160), width="stretch")
if len(result.by_member):
    top = result.by_member.head(5)
    st.caption(t("search.by_member") + " " + ui.md_escape("、".join(f"{r.name} {r.hits}" for r in top.itertuples())))

st.download_button(t("search.download"), lambda: data.export_search(db, query, filters),
                   file_name=f"oshigiin-{council_id}-search.csv", mime="text/csv", icon=":material/download:",
                   on_click="ignore", key="search-download")
if person:
    st.caption(t("search.download_one_speaker"))

# The sitting opened from a hit keeps the search in its URL: it marks the words and links back here.
back = {p: str(v) for p, v in chosen.items() if v}
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
            ui.page_link("views/meetings.py", label=t("search.open"), icon=":material/article:",
                         query_params={**back, "meeting": hit["meeting_id"], "speech": hit["speech_id"]})
if len(hits) < result.total and st.button(t("search.more"), key="search-more"):
    st.session_state[shown_key] = limit + PAGE
    st.rerun()
