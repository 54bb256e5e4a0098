"""A writer process for the durability tests: it opens the store itself and types marks.

Run as `python -m tests.writer_proc` from the project root. The job comes as one JSON line
on stdin: {"db": path, "actor": user id, "cells": [[lesson, student, value], ...],
"wait": true, "stop_file": path, "pause": seconds}. With "wait" the process prints "ready"
and waits for a "go" line, so that all writers start together; with "stop_file" it stops
early once that file exists; "pause" sleeps between marks (outside any transaction).

A cell's value is a mark ("5" or 5), an absence code ("н", "о") or "-" (the cell cleared).
After the service has committed, the process prints "ok LESSON STUDENT VALUE CHANGED"
(CHANGED 1 when the cell changed, 0 when it already held that), flushed: a line that reached
the pipe is an acknowledged write. A failure prints
"err LESSON STUDENT Type: message". At the end: "done OK ERRORS complete|stopped".
"""

from __future__ import annotations

import json
import os
import sys
import time


def write(actor, lesson_id: int, student_id: int, value):
    """A mark (a digit), an absence code (a letter), or "-": the cell cleared."""
    from models.journal import entries

    if value == "-":
        return entries.clear_cell(actor, lesson_id, student_id)
    if isinstance(value, str) and not value.isdigit():
        return entries.set_absence(actor, lesson_id, student_id, value)
    return entries.set_mark(actor, lesson_id, student_id, value)


def main() -> int:
    job = json.loads(sys.stdin.readline())
    from models.core.access import actor_of
    from models.core.schema import User
    from models.core.store import open_store

    open_store(job["db"])
    actor = actor_of(User.get_by_id(job["actor"]))
    if job.get("wait"):
        print("ready", flush=True)
        if sys.stdin.readline().strip() != "go":
            return 3
    stop_file = job.get("stop_file")
    pause = float(job.get("pause", 0))
    ok = errors = 0
    state = "complete"
    for lesson_id, student_id, value in job["cells"]:
        if stop_file and os.path.exists(stop_file):
            state = "stopped"
            break
        try:
            change = write(actor, lesson_id, student_id, value)
        except Exception as exc:  # every failure counts; the test asserts what kinds it allows
            errors += 1
            message = str(exc).replace("\n", " ")
            print(f"err {lesson_id} {student_id} {type(exc).__name__}: {message}", flush=True)
        else:
            ok += 1
            changed = int(change.before != change.after)
            print(f"ok {lesson_id} {student_id} {value} {changed}", flush=True)
        if pause:
            time.sleep(pause)
    print(f"done {ok} {errors} {state}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
