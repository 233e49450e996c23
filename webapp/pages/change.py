"""Page 3, Test a change (the page's code is in :mod:`webapp._change`)."""

from webapp._change import render

if __name__ == "__main__":  # run by Streamlit; importing it does nothing
    render()
