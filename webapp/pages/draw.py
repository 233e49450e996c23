"""Page 2, Draw the sample (the page's code is in :mod:`webapp._draw`)."""

from webapp._draw import render

if __name__ == "__main__":  # run by Streamlit; importing it does nothing
    render()
