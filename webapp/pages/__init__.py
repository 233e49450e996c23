"""The app's pages, one script each, run by Streamlit (see :mod:`webapp._app`)."""
