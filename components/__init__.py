"""The partnership dashboard's logic: data contract, loading, validation and page content.

Modules here import no Streamlit (plain pytest tests them); `components.ui` is the thin layer
that does.
"""
