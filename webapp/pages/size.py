"""Page 1, How many cases (the page's code is in :mod:`webapp._size`)."""

from webapp._size import render

if __name__ == "__main__":  # run by Streamlit; importing it does nothing
    render()
