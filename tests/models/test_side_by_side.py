"""Reads side by side (models/core/side_by_side.py): the district's report reads its schools
in a few forked reader processes where the process has one thread, else one after another;
every result comes back in order, and a reader's failure reaches the caller."""

from __future__ import annotations

import os
import threading

import pytest

from models.core import side_by_side
from models.core.errors import StorageError


def _twice(n: int) -> tuple[int, int]:
    return n * 2, os.getpid()


def _refuse(n: int) -> int:
    if n == 3:
        raise ValueError(f"не прочитано: {n}")
    return n


class _Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("драйвер")
        self.lock = threading.Lock()  # a lock does not pickle


def _fail_oddly(n: int) -> int:
    raise _Unpicklable()


def test_the_setting_is_read_and_held_within_bounds(monkeypatch):
    monkeypatch.delenv(side_by_side.READERS_ENV, raising=False)
    assert side_by_side.readers() == side_by_side.DEFAULT_READERS
    for raw, expected in (("1", 1), ("4", 4), ("0", 1), ("500", side_by_side.MAX_READERS), ("два", 2)):
        monkeypatch.setenv(side_by_side.READERS_ENV, raw)
        assert side_by_side.readers() == expected


def test_a_process_that_may_not_fork_reads_in_its_own_thread(monkeypatch):
    """An app's session has threads (forking it is unsafe) and one connection: the items are
    read one after another, in the caller's thread, with the progress after each."""
    monkeypatch.setenv(side_by_side.READERS_ENV, "4")
    monkeypatch.setattr(side_by_side, "_may_fork", lambda: False)
    here = threading.get_ident()
    told: list[tuple[int, int]] = []
    assert side_by_side.each(
        [1, 2, 3], lambda n: (n, threading.get_ident()), lambda d, of: told.append((d, of))
    ) == [
        (1, here),
        (2, here),
        (3, here),
    ]
    assert told == [(1, 3), (2, 3), (3, 3)]


def test_one_reader_reads_everything_itself(monkeypatch):
    monkeypatch.setenv(side_by_side.READERS_ENV, "1")
    assert side_by_side.each([1, 2, 3], _twice) == [(2, os.getpid()), (4, os.getpid()), (6, os.getpid())]


def test_forked_readers_keep_the_order_and_bring_failures_back(store):
    results = side_by_side._in_processes(list(range(6)), _twice, 2)
    assert [value for value, _pid in results] == [0, 2, 4, 6, 8, 10]
    assert os.getpid() not in {pid for _value, pid in results}  # read by the children
    with pytest.raises(ValueError, match="не прочитано: 3"):
        side_by_side._in_processes(list(range(6)), _refuse, 2)
    with pytest.raises(StorageError, match="драйвер"):
        side_by_side._in_processes([1, 2], _fail_oddly, 2)
