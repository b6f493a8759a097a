"""発言検索: speeches of the council containing every word of the query, newest first.

The query lives in the URL (?q=保育) so a search can be shared and is restored on load.
"""

import streamlit as st

from dashboard import data, ui
from dashboard.i18n import label, t

LIMIT = 50

db, council_id = ui.current()
st.title(t("page.search"))

if "q" not in st.session_state:
    st.session_state["q"] = st.query_params.get("q", "")
query = st.text_input(t("search.query"), key="q", placeholder=t("search.placeholder"), help=t("search.help"))
if query.strip():
    if st.query_params.get("q") != query:
        st.query_params["q"] = query
else:
    st.query_params.pop("q", None)

if not query.strip():
    st.caption(t("search.prompt"))
else:
    total, hits = data.search_speeches(db, council_id, query, LIMIT)
    if total == 0:
        st.info(t("search.none", q=ui.md_escape(query.strip())))
    else:
        st.markdown(f"**{t('search.total', n=total)}** {t('search.shown', shown=len(hits))}")
    terms = data.search_terms(query)
    for hit in hits.to_dict("records"):
        with st.container(border=True, key=f"hit-{hit['speech_id']}"):
            where = [ui.fmt_date(hit["date"]), label("mkind", hit["meeting_kind"]), hit["meeting_title"]]
            st.caption(ui.md_escape(" · ".join(where)))
            who = ui.speaker(hit["speaker_role"], hit["speaker_name"])
            st.markdown(f"**{ui.md_escape(who)}** {ui.kind_badge(hit['kind'])}")
            st.markdown(ui.highlight_md(ui.snippet(hit["text"], hit["text_norm"], terms)))
            st.page_link(
                "views/meetings.py", label=t("search.open"), icon=":material/article:",
                query_params={"meeting": hit["meeting_id"], "speech": hit["speech_id"]},
            )
