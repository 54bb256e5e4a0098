"""Reads side by side (models/core/side_by_side.py): the district's report reads its schools
on a few readers at once, threads in a process with threads, forked processes in a process
with one; every result comes back in order, and a reader's failure reaches the caller."""

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


def test_threads_read_at_once_and_keep_the_order(monkeypatch):
    monkeypatch.setenv(side_by_side.READERS_ENV, "3")
    monkeypatch.setattr(side_by_side, "_may_fork", lambda: False)
    monkeypatch.setattr(side_by_side, "one_connection", lambda: False)  # a connection per thread
    meet = threading.Barrier(2, timeout=10)  # the first two items wait for each other
    seen: dict[int, int] = {}

    def call(n: int) -> int:
        seen[n] = threading.get_ident()
        if n < 2:
            meet.wait()  # a broken barrier (one thread alone) raises here
        return n * n

    assert side_by_side.each(list(range(8)), call) == [n * n for n in range(8)]
    assert len(set(seen.values())) >= 2


def test_a_threads_failure_stops_the_batch_and_reaches_the_caller(monkeypatch):
    monkeypatch.setenv(side_by_side.READERS_ENV, "2")
    monkeypatch.setattr(side_by_side, "_may_fork", lambda: False)
    monkeypatch.setattr(side_by_side, "one_connection", lambda: False)
    with pytest.raises(ValueError, match="не прочитано: 3"):
        side_by_side.each(list(range(6)), _refuse)


def test_a_process_on_one_connection_reads_in_its_own_thread(monkeypatch):
    """A session on PostgreSQL holds one connection: threads would only take turns on it."""
    monkeypatch.setenv(side_by_side.READERS_ENV, "4")
    monkeypatch.setattr(side_by_side, "_may_fork", lambda: False)
    monkeypatch.setattr(side_by_side, "one_connection", lambda: True)
    here = threading.get_ident()
    assert side_by_side.each([1, 2, 3], lambda n: (n, threading.get_ident())) == [
        (1, here),
        (2, here),
        (3, here),
    ]


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
