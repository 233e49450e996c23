"""Page 5, Ratings (the page's code is in :mod:`webapp._ratings`)."""

from webapp._ratings import render

if __name__ == "__main__":  # run by Streamlit; importing it does nothing
    render()
