"""推し議員 dashboard (Streamlit): run `streamlit run dashboard/app.py`."""
