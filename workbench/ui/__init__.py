"""Streamlit helpers shared by the pages: the sidebar, language, session keys. Drawing only, no statistics."""
