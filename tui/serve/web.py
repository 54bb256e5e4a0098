"""`journal serve web`: the app in a browser through textual-serve, for guardians.

Each browser tab gets its own app process, started as `journal --db …` with nothing else:
it opens at the journal's own login screen, so nothing is reachable before a login and a
pupil or guardian then sees only their diary. Put it behind a TLS reverse proxy (README).

On top of textual-serve's server this one
- serves a Russian page of its own whose every asset (font, script, styles, image) comes
  from the journal itself, and forbids any other host by its Content-Security-Policy;
- starts each app with JOURNAL_SOURCE set to the browser's address (tui.serve.web_admission), so
  the login events record where a browser login came from;
- caps what a tab costs before anyone has logged in (tui.serve.web_admission.WebLimits): app
  processes at the login screen in total and per address, tabs per address, and the time an
  app may stay at the login screen; the app says it has logged in by a meta packet
  (tui.serve.web_signal), which the browser cannot forge.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shlex
import signal
import weakref
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
import textual_serve
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from tui import strings as S
from tui.serve.web_admission import (
    CLOSE_ADDRESS_BUSY,
    CLOSE_APP_FAILED,
    CLOSE_LOGIN_TIMEOUT,
    CLOSE_SERVER_BUSY,
    CLOSE_TOO_MANY_TABS,
    AdmissionBook,
    Refusal,
    Ticket,
    WebLimits,
    client_address,
)
from tui.serve.web_signal import LOGGED_IN_META
from tui.serve.zygote import ForkedProcess, HostedSession, ZygoteClient

log = logging.getLogger("journal.web")

PAGE_DIR = Path(__file__).parent / "web_page"  # the page's template
ASSETS_DIR = Path(__file__).parent / "web_assets"  # the journal's own script and styles
MAX_COLUMNS, MAX_ROWS = 400, 150  # a browser asking for more wants the app's memory, not a view
MAX_MESSAGE = 256 * 1024  # bytes in one websocket message from the browser (a paste fits)
QUIT_WAIT = 5.0  # seconds an app gets to quit before it is killed
APP_STREAM_LIMIT = 2**16  # asyncio's own for a subprocess's pipes
# the environment of the server that an app must not inherit: an administrator who started
# the server over SSH would otherwise lend every browser session their SSH_CLIENT address
NOT_INHERITED = ("SSH_", "JOURNAL_SOURCE", "LINES")


def web_app_command(app_command: list[str], db: str) -> tuple[list[str], dict[str, str]]:
    """The command run per browser session (no shell) and what it adds to its environment:
    the database goes by the environment (a URL may hold a password, which the command line
    would show other local users in ps), to a started app and to a forked one alike."""
    return list(app_command), {"JOURNAL_DB": db}


async def forked_app(
    zygote: ZygoteClient, environment: dict[str, str], host: tuple[int, int, str] | None = None
) -> ForkedApp:
    """A browser's app on three new pipes, as asyncio's Process has them: forked by the ready
    process, or with `host` (N, school, colours) a session of a host of N such; OSError if
    the ready process cannot (the caller starts the app the long way)."""
    loop = asyncio.get_running_loop()
    (stdin_r, stdin_w), (stdout_r, stdout_w), (stderr_r, stderr_w) = os.pipe(), os.pipe(), os.pipe()
    try:
        process = await zygote.spawn_web([], environment, (stdin_r, stdout_w, stderr_w), host)
    except OSError:
        for descriptor in (stdin_w, stdout_r, stderr_r):
            os.close(descriptor)
        raise
    finally:
        for descriptor in (stdin_r, stdout_w, stderr_w):
            os.close(descriptor)
    files = [os.fdopen(stdout_r, "rb", 0), os.fdopen(stderr_r, "rb", 0), os.fdopen(stdin_w, "wb", 0)]
    try:
        readers = []
        for file in files[:2]:  # each closed with its transport
            reader = asyncio.StreamReader(limit=APP_STREAM_LIMIT)
            await loop.connect_read_pipe(partial(asyncio.StreamReaderProtocol, reader), file)
            readers.append(reader)
        transport, protocol = await loop.connect_write_pipe(
            lambda: asyncio.StreamReaderProtocol(asyncio.StreamReader()), files[2]
        )
    except BaseException:  # (not seen: the loop refused a pipe) no app left without its server
        ForkedApp(process, None, None, None).kill()
        for file in files:
            file.close()
        raise
    stdin = asyncio.StreamWriter(transport, protocol, None, loop)
    return ForkedApp(process, stdin, readers[0], readers[1])


class ForkedApp:
    """A forked or hosted app as textual-serve uses asyncio's Process: its pipes, status, kill
    (a hosted one's host is asked to end it: the host's other tabs go on), wait."""

    def __init__(
        self,
        process: ForkedProcess | HostedSession,
        stdin: asyncio.StreamWriter | None,
        stdout: asyncio.StreamReader | None,
        stderr: asyncio.StreamReader | None,
    ) -> None:
        self.process, self.stdin, self.stdout, self.stderr = process, stdin, stdout, stderr
        self.pid = process.pid

    @property
    def returncode(self) -> int | None:
        return self.process.returncode

    def kill(self) -> None:
        if self.process.returncode is not None:
            return
        if isinstance(self.process, HostedSession):
            self.process.end()
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):  # its group: setsid
            os.killpg(self.pid, signal.SIGKILL)

    async def wait(self) -> int:
        status = await self.process.wait()
        if self.stdin is not None:
            self.stdin.close()
        return status


def inherited(environment: dict[str, str]) -> dict[str, str]:
    """`environment` without what an app must not inherit of the server's."""
    return {key: value for key, value in environment.items() if not key.startswith(NOT_INHERITED)}


def _clamp(value: object, default: int, low: int, high: int) -> int:
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        number = default
    return max(low, min(high, number))


def close_words(limits: WebLimits) -> dict[int, str]:
    """What the page says when the server closes a tab with one of the journal's codes."""
    return {
        CLOSE_SERVER_BUSY: S.WEB_SERVER_BUSY,
        CLOSE_ADDRESS_BUSY: S.WEB_ADDRESS_BUSY.format(limit=limits.max_pending_per_address),
        CLOSE_TOO_MANY_TABS: S.WEB_TOO_MANY_TABS.format(limit=limits.max_connections_per_address),
        CLOSE_LOGIN_TIMEOUT: S.WEB_LOGIN_TIMEOUT.format(seconds=round(limits.login_grace)),
        CLOSE_APP_FAILED: S.WEB_APP_FAILED,
    }


def content_security_policy(public_url: str) -> str:
    """Only the journal's own address: scripts, styles, fonts, images and the websocket. The
    public address is named too, for a page opened under another name of the same server."""
    parts = urlsplit(public_url)
    own = f"'self' {parts.scheme}://{parts.netloc}"
    websocket = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {own}",
            f"style-src {own} 'unsafe-inline'",  # xterm.js sets its layers' style attributes
            f"font-src {own}",
            f"img-src {own} data: blob:",
            f"connect-src {own} {websocket}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


class JournalAppService(AppService):
    """One app process: started without a shell, told the browser's address, killed if
    it does not quit; it reports the app's logged-in meta packet."""

    quit_wait = QUIT_WAIT

    def __init__(
        self,
        argv: list[str],
        environment: dict[str, str],
        on_logged_in: Callable[[], None],
        zygote: ZygoteClient | None = None,
        hosting: tuple[int, int, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(shlex.join(argv), **kwargs)
        self.argv = argv
        self.zygote = zygote  # the ready process the app is forked from, if there is one
        self.hosting = hosting  # (N, school, colours): the app a session of a host of N tabs
        self.extra_environment = environment
        self.on_logged_in = on_logged_in
        self.logged_in = asyncio.Event()
        self.answered = False  # the app has drawn something

    @property
    def task(self) -> asyncio.Task[None] | None:
        return self._task

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = inherited(super()._build_environment(width, height))
        environment.update(self.extra_environment)
        environment["PYTHONUTF8"] = "1"
        # Textual read TEXTUAL_COLOR_SYSTEM at its import, in the ready process, where there
        # was none: a forked app's console takes its colours from this instead
        environment["COLORTERM"] = "truecolor"
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24):
        environment = self._build_environment(width=width, height=height)
        if self.zygote is not None and self.zygote.available:
            with contextlib.suppress(OSError):  # it has gone: the app starts the long way
                forked = await forked_app(self.zygote, environment, self.hosting)
                self._process, self._stdin = forked, forked.stdin  # type: ignore[assignment]
                return forked
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def on_data(self, payload: bytes) -> None:
        self.answered = True
        await super().on_data(payload)

    async def on_meta(self, data: bytes) -> None:
        try:
            meta = json.loads(data)
        except ValueError:
            return
        if isinstance(meta, dict) and meta.get("type") == LOGGED_IN_META:
            if not self.logged_in.is_set():
                self.logged_in.set()
                self.on_logged_in()
            return
        await super().on_meta(data)

    async def stop(self) -> None:
        """Ask the app to quit; kill it if it has not within quit_wait seconds."""
        task, self._task = self._task, None
        if task is None:
            return
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        await self.send_meta({"type": "quit"})
        try:
            await asyncio.wait_for(asyncio.shield(task), self.quit_wait)
        except TimeoutError:
            if self._process is not None and self._process.returncode is None:
                self._process.kill()
            await task
        if self._process is not None:
            await self._process.wait()


class JournalWebServer(Server):
    """textual-serve's server with the journal's page, the browser's address and the caps."""

    quit_wait = QUIT_WAIT

    def __init__(
        self,
        argv: list[str],
        environment: dict[str, str] | None = None,
        *,
        limits: WebLimits | None = None,
        host: str = "127.0.0.1",
        port: int = 8000,
        public_url: str | None = None,
        prefork: bool = True,
        sessions_per_process: int = 1,
        school: int | None = None,
    ) -> None:
        super().__init__(
            shlex.join(argv),
            host=host,
            port=port,
            title=S.WEB_PAGE_TITLE,
            public_url=public_url,
            statics_path=Path(textual_serve.__file__).parent / "static",
            templates_path=PAGE_DIR,
        )
        self.public_url = self.public_url.rstrip("/")
        self.argv = argv
        self.environment = environment or {}
        self.limits = limits or WebLimits()
        self.book = AdmissionBook(self.limits)
        self.policy = content_security_policy(self.public_url)
        self.websockets: weakref.WeakSet[web.WebSocketResponse] = weakref.WeakSet()
        # apps forked from one ready process that has imported the journal: their code pages
        # are shared (tui/serve/zygote.py); started with the server, which it does not outlive
        self.zygote = ZygoteClient(argv, inherited({**os.environ, **self.environment})) if prefork else None
        # tabs as threads of hosts of N (tui/serve/host.py): a store of one school only, whose
        # school every login of a tab is (a tab's school is not known before its login)
        self.hosting: tuple[int, int, str] | None = None
        if sessions_per_process > 1 and self.zygote is not None and school is not None:
            self.hosting = (sessions_per_process, school, "truecolor")

    def make_web_app(self) -> web.Application:
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path), autoescape=True)
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, name="static"),
                web.static("/assets", ASSETS_DIR, name="assets"),
            ]
        )
        app.on_response_prepare.append(self._add_headers)
        app.on_startup.append(self._start_zygote)
        app.on_shutdown.append(self._close_websockets)
        app.on_cleanup.append(self._close_zygote)
        return app

    async def _start_zygote(self, app: web.Application) -> None:
        if self.zygote is not None:
            self.zygote.start()

    async def _close_zygote(self, app: web.Application) -> None:
        if self.zygote is not None:
            await self.zygote.close()

    async def _make_app(self) -> web.Application:
        return self.make_web_app()

    async def on_startup(self, app: web.Application) -> None:
        """journal.py says where it listens, in Russian; no logo."""

    async def _add_headers(self, request: web.Request, response: web.StreamResponse) -> None:
        response.headers["Content-Security-Policy"] = self.policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"

    async def _close_websockets(self, app: web.Application) -> None:
        for websocket in list(self.websockets):
            await websocket.close(code=1001, message=b"server-shutdown")

    @aiohttp_jinja2.template("index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        base = self.public_url
        parts = urlsplit(base)
        websocket_url = f"{'wss' if parts.scheme == 'https' else 'ws'}:{base.split(':', 1)[1]}/ws"
        return {
            "font_size": _clamp(request.query.get("fontsize"), 16, 8, 40),
            "app_websocket_url": websocket_url,
            "static_url": f"{base}/static/",
            "assets_url": f"{base}/assets/",
            "words": {
                "title": self.title,
                "loading": S.WEB_LOADING,
                "start": S.WEB_START,
                "ended": S.WEB_SESSION_ENDED,
                "restart": S.WEB_RESTART,
            },
            "close_words": close_words(self.limits),
        }

    def origin_allowed(self, request: web.Request) -> bool:
        """A browser's websocket must come from the journal's own page: another site's page
        could otherwise open tabs from its visitors' browsers (their addresses, our caps)."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True  # not a browser
        netloc = urlsplit(origin).netloc
        return netloc in (urlsplit(self.public_url).netloc, request.host)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if not self.origin_allowed(request):
            raise web.HTTPForbidden(text="cross-origin websocket refused")
        address = client_address(request.remote, request.headers)
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
        await websocket.prepare(request)
        admitted = self.book.admit(address)
        if isinstance(admitted, Refusal):
            log.warning("web session from %s refused: %s", address, admitted.reason)
            await websocket.close(code=admitted.code, message=admitted.reason.encode())
            return websocket
        self.websockets.add(websocket)
        try:
            await self._run_session(request, websocket, admitted)
        except Exception:
            log.exception("web session from %s failed", address)
        finally:
            self.book.release(admitted)
        return websocket

    async def _run_session(
        self, request: web.Request, websocket: web.WebSocketResponse, ticket: Ticket
    ) -> None:
        """Start the app, relay the browser to it, end it at the login grace unless it has
        logged in; the process is gone when this returns."""
        service = JournalAppService(
            self.argv,
            {**self.environment, "JOURNAL_SOURCE": ticket.address},
            lambda: self.book.logged_in(ticket),
            self.zygote,
            self.hosting,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
        )
        service.quit_wait = self.quit_wait
        width = _clamp(request.query.get("width"), 80, 10, MAX_COLUMNS)
        height = _clamp(request.query.get("height"), 24, 5, MAX_ROWS)
        try:
            await service.start(width, height)
        except OSError:
            log.exception("the journal app did not start")
            await websocket.close(code=CLOSE_APP_FAILED, message=b"app-failed")
            return
        assert service.task is not None
        app_task = service.task
        relay = asyncio.create_task(self._relay_browser(websocket, service))
        login = asyncio.create_task(service.logged_in.wait())
        try:
            done, _ = await asyncio.wait(
                {relay, app_task, login},
                timeout=self.limits.login_grace,
                return_when=asyncio.FIRST_COMPLETED,
            )
            if login in done:
                await asyncio.wait({relay, app_task}, return_when=asyncio.FIRST_COMPLETED)
            elif not done:
                await websocket.close(code=CLOSE_LOGIN_TIMEOUT, message=b"login-timeout")
            elif app_task in done and not service.answered:
                await websocket.close(code=CLOSE_APP_FAILED, message=b"app-failed")
        finally:
            login.cancel()
            await service.stop()
            await websocket.close()
            relay.cancel()

    async def _relay_browser(self, websocket: web.WebSocketResponse, service: JournalAppService) -> None:
        """The browser's messages to the app; anything malformed is dropped, sizes capped."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except ValueError:
                continue
            if not isinstance(envelope, list) or not envelope:
                continue
            kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(data, str):
                await service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                await service.set_terminal_size(
                    _clamp(data.get("width"), 80, 10, MAX_COLUMNS),
                    _clamp(data.get("height"), 24, 5, MAX_ROWS),
                )
            elif kind == "ping" and isinstance(data, str):
                await websocket.send_json(["pong", data[:32]])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()


def build_server(
    app_command: list[str],
    db: str,
    *,
    limits: WebLimits | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    public_url: str | None = None,
    prefork: bool = True,
    sessions_per_process: int = 1,
    school: int | None = None,
):
    """The journal's web server for this database, not yet listening; `school`: the store's
    only one (None: a district's), whose tabs may share a host."""
    argv, environment = web_app_command(app_command, db)
    return JournalWebServer(
        argv,
        environment,
        limits=limits,
        host=host,
        port=port,
        public_url=public_url,
        prefork=prefork,
        sessions_per_process=sessions_per_process,
        school=school,
    )


def serve_web(app_command: list[str], db: str, **options: Any) -> int:
    """`journal serve web` until it is stopped: build_server's server with its `options`."""
    build_server(app_command, db, **options).serve()
    return 0
