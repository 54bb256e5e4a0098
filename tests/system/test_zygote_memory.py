"""The ready process's memory (tui/serve/zygote.py, issue 16): the holes malloc keeps between
imported objects are used up before sessions are forked, so that a session's allocations do
not copy pages it shares. Run in a fresh interpreter: the holes taken are never freed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import ctypes, json, sys
from tui.serve import zygote
try:
    mallinfo2 = ctypes.CDLL(None).mallinfo2
except AttributeError:
    print(json.dumps(None)); sys.exit()
mallinfo2.restype = zygote._MallocInfo
def holes():
    info = mallinfo2()
    return info.fordblks - info.keepcost
blocks = [bytes(600 + n % 7 * 16) for n in range(4000)]
kept = blocks[1::2]
del blocks  # every other block freed: holes between the ones kept
before = holes()
taken = zygote.fill_heap_holes()
after = holes()
again = zygote.fill_heap_holes()
print(json.dumps({"before": before, "taken": taken, "after": after, "again": again}))
"""


def test_heap_holes_are_filled_before_forking() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    found = json.loads(done.stdout)
    if found is None:
        pytest.skip("the C library is not glibc 2.33 or later: no mallinfo2, nothing to fill")
    assert found["before"] > 600 * 1000  # ≈ 2000 freed blocks of 600 B and more
    assert found["taken"] > 0
    assert found["after"] < 2 * 24  # only the top of the heap is left free
    assert found["again"] == 0  # nothing left to take


SESSION_PROBE = """
import asyncio, json, sys
from models.core.store import open_store
open_store(sys.argv[1], create=True)
from tests.factory import build_small_school
school = build_small_school()
from tui.serve import zygote
zygote.preload()
before = set(sys.modules)
from textual.widgets import Input
from tui.app import JournalApp

async def session():
    app = JournalApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.query_one("#login", Input).value = "petrov"
        await pilot.press("enter")
        app.screen.query_one("#password", Input).value = school.passwords["petrov"]
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("j")  # home → the course picker → the first course's grid
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("5", "down", "4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        return type(app.screen).__name__

screen = asyncio.run(session())
print(json.dumps({"screen": screen, "imported": sorted(set(sys.modules) - before)}))
"""


def test_a_session_imports_nothing_the_ready_process_has_not(tmp_path) -> None:
    """What a session imports after the fork is its own memory, not shared: a session logged in,
    on a grid with two marks typed, finds every module already imported by zygote.preload()."""
    done = subprocess.run(
        [sys.executable, "-c", SESSION_PROBE, str(tmp_path / "journal.sqlite")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["screen"] == "GridScreen"
    assert found["imported"] == []
