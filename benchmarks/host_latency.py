"""A key's answer when sessions share a process (tui/serve/host.py): the price of the memory.

The sessions of a host share one Python interpreter, so one session's work delays another's
keys. This opens 10 sessions (the demo's subject and homeroom teachers, grids open) on
`journal serve ssh --sessions-per-process N`, then times, in the first session, a cursor key
until its repaint arrives (40 keys, down and up): first with the others idle, then with the
nine others moving their cursors as fast as each answer allows. Refused unless every key was
answered.

    python benchmarks/host_latency.py DEMO.sqlite [N ...]     # a copy of DEMO is used

prints one JSON object: per N, the median and the 95th percentile in ms, idle and busy.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.sessions import Session, _prepare, open_session, start_server  # noqa: E402

ACCOUNTS = [("leonova.in", "demo-teacher-1"), ("naumova.ma", "demo-homeroom-1")]
SESSIONS = 10
KEYS = 40
DOWN, UP = b"\x1b[B", b"\x1b[A"


async def key_times(session: Session) -> tuple[float, float]:
    """Median and p95 (ms) of a cursor key to the first bytes of its repaint."""
    times = []
    for n in range(KEYS):
        await session.quiet(0.05)
        started = time.perf_counter()
        session.process.stdin.write(DOWN if n % 2 == 0 else UP)
        async with asyncio.timeout(10):
            if not await session.process.stdout.read(65536):
                raise RuntimeError("the session ended: not measured")
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return round(statistics.median(times), 1), round(times[int(len(times) * 0.95) - 1], 1)


async def keep_moving(session: Session, stop: asyncio.Event) -> None:
    n = 0
    while not stop.is_set():
        session.process.stdin.write(DOWN if n % 2 == 0 else UP)
        n += 1
        try:
            async with asyncio.timeout(0.05):
                await session.process.stdout.read(65536)
        except TimeoutError:
            pass


async def measure(db: str, shared: int) -> dict:
    server, port = start_server(db, SESSIONS, ["--sessions-per-process", str(shared)])
    sessions: list[Session] = []
    try:
        await asyncio.sleep(1.5)  # the ready process imports the app
        for n in range(SESSIONS):
            sessions.append(await open_session(port, *ACCOUNTS[n % len(ACCOUNTS)]))
        idle = await key_times(sessions[0])
        stop = asyncio.Event()
        others = [asyncio.create_task(keep_moving(s, stop)) for s in sessions[1:]]
        await asyncio.sleep(1.0)
        busy = await key_times(sessions[0])
        stop.set()
        await asyncio.gather(*others)
    finally:
        for session in sessions:
            session.conn.close()
        server.terminate()
        server.wait(timeout=30)
    return {"idle_ms": idle, "nine_moving_ms": busy}


if __name__ == "__main__":
    sizes = [int(n) for n in sys.argv[2:]] or [1, 5, 10]
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "work.sqlite"
        shutil.copy(sys.argv[1], copy)
        _prepare(str(copy))
        print(json.dumps({f"per_process_{n}": asyncio.run(measure(str(copy), n)) for n in sizes}))
