"""The admin's setup screen (screen.py) and its six tabs, one module per pane."""
