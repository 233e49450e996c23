"""Page 4, Findings (the page's code is in :mod:`webapp._findings`)."""

from webapp._findings import render

if __name__ == "__main__":  # run by Streamlit; importing it does nothing
    render()
