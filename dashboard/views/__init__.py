"""Page scripts, registered explicitly in dashboard/app.py (st.Page), one page per module."""
