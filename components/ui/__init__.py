"""The Streamlit side: the cached loader, the shared sidebar and safe text output."""
