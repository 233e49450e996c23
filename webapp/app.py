"""The Streamlit entry script (``streamlit run webapp/app.py``; ``python -m webapp`` runs it)."""

from webapp._app import main

if __name__ == "__main__":  # Streamlit runs the script as __main__; importing it does nothing
    main()
