"""`journal serve web`: the app in a browser through textual-serve, for guardians.

Each browser tab gets its own app process, started as `journal --db …` with nothing else:
it opens at the journal's own login screen, so nothing is reachable before a login and a
pupil or guardian then sees only their diary. Put it behind a TLS reverse proxy (README).
"""

from __future__ import annotations

import os
import shlex
import sys


def web_command(app_command: list[str], db: str) -> str:
    """The shell command textual-serve runs per browser session (it uses a shell)."""
    if db.startswith(("postgresql://", "postgres://")):
        # a URL may hold a password: it goes to the children by the environment, not the
        # command line other local users can read with ps
        os.environ["JOURNAL_DB"] = db
        return shlex.join(app_command)
    return shlex.join([*app_command, "--db", db])


def serve_web(
    app_command: list[str],
    db: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    public_url: str | None = None,
) -> int:
    try:
        from textual_serve.server import Server
    except ImportError:
        print(
            "journal: для журнала в браузере нужен пакет textual-serve: pip install textual-serve",
            file=sys.stderr,
        )
        return 1
    server = Server(
        web_command(app_command, db),
        host=host,
        port=port,
        title="Электронный журнал",
        public_url=public_url,
    )
    server.serve()
    return 0
