"""The ready process's memory (tui/serve/zygote.py, issue 16): the holes malloc keeps between
imported objects are used up before sessions are forked, so that a session's allocations do
not copy pages it shares. Run in a fresh interpreter: the holes taken are never freed."""

from __future__ import annotations

import json
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
