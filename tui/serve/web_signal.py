"""The app's side of `journal serve web`: tell the server that this session has logged in.

Under textual-serve the app talks to the server through Textual's web driver: data packets
for the browser, meta packets (JSON) for the server itself. The browser cannot forge a meta
packet (what it types reaches the app as data), so the server may trust this one to stop
counting the process against the caps of processes still at the login screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the server imports LOGGED_IN_META without loading Textual
    from textual.app import App

LOGGED_IN_META = "journal-logged-in"


def tell_server_logged_in(app: App) -> None:
    """Send the logged-in meta packet when running in a browser; nothing otherwise."""
    if not app.is_web:
        return
    write_meta = getattr(app._driver, "write_meta", None)  # Textual has no public door to it
    if write_meta is not None:
        write_meta({"type": LOGGED_IN_META})
