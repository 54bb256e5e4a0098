"""Serving the app to others: `journal serve ssh` (ssh_server, handoff), `journal serve web` (web,
web_admission, web_signal, and the page and assets it sends to the browser)."""
