"""Reads whose SQL peewee builds once: the hot path of a mark's write (issue 16).

Making and building peewee's query objects was most of a mark typed into an empty cell: of
its 8–10 ms, 4–5 went on building the SQL of nine statements and 0.3 on running them. With
its seven reads prepared the write takes 1.7–2.2 ms (18,267 → 3,182 Python calls).

A `Prepared` read is built once per store and school scope with marker values in the places
of its arguments; its SQL is kept, and each call runs it with the caller's values in the
markers' places. The rows become model instances through the kept query's own cursor
wrapper, exactly as peewee makes them (joined models included). The school filter that
models.core.schema adds to every query is in the kept SQL as a value of its scope, which is
part of the key: another school, or the district's reads, build their own.

Only for queries whose shape does not depend on the values (no `in_` of a list, no branch on
an argument, no None: peewee writes `field == None` as IS NULL): the same query with other
values must be the same SQL.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import peewee

from models.core import tenancy
from models.core.db import database

# markers no argument of the journal's equals: ids are positive, dates after 1900, no text
# holds a NUL
MARKERS = {
    "int": tuple(-7_340_001 - n for n in range(8)),
    "date": tuple(dt.date(1001, 1, 1 + n) for n in range(8)),
    "str": tuple(f"\x00{n}" for n in range(8)),
}


class _Argument:
    """The place of the call's argument `index` among a statement's parameters."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


_Kept = tuple[peewee.ModelSelect, str, list[Any]]  # the query, its SQL, its parameters' slots


class Prepared:
    """`build(*args)` → a peewee select; `kinds` says for each argument "int", "date" or "str"
    (a str argument may be used only as a whole value, not inside a longer one)."""

    def __init__(self, build: Callable[..., peewee.ModelSelect], kinds: tuple[str, ...]) -> None:
        self.build = build
        taken = {kind: iter(values) for kind, values in MARKERS.items()}
        self.markers = tuple(next(taken[kind]) for kind in kinds)
        # per store (its dialect: "?" or "%s") and school scope; a store that is gone takes
        # its statements with it
        self.kept: weakref.WeakKeyDictionary[peewee.Database, dict[int | None, _Kept]] = (
            weakref.WeakKeyDictionary()
        )

    def _template(self) -> _Kept:
        store, school = database.obj, tenancy.filter_value()
        if store is None:  # as peewee says it of a query made with no store open
            raise peewee.InterfaceError("Cannot use uninitialized Proxy.")
        by_school = self.kept.setdefault(store, {})
        found = by_school.get(school)
        if found is None:
            query = self.build(*self.markers)
            sql, params = query.sql()
            found = by_school[school] = (query, sql, [self._slot(p) for p in params])
        return found

    def _slot(self, param: Any) -> Any:
        """The argument a parameter takes, or the constant it is (the school, a code)."""
        for index, marker in enumerate(self.markers):
            if type(param) is type(marker) and param == marker:
                return _Argument(index)
        if isinstance(param, str) and "\x00" in param:
            raise ValueError("a str argument inside a longer value: not a Prepared read")
        return param

    def rows(self, *args: Any) -> Iterator[Any]:
        """The query's rows for these arguments, as peewee would give them."""
        if None in args:  # `field == None` is IS NULL in peewee: another statement
            raise ValueError("None as an argument of a Prepared read")
        query, sql, slots = self._template()
        params = [args[slot.index] if isinstance(slot, _Argument) else slot for slot in slots]
        cursor = database.execute_sql(sql, params)
        return iter(query._get_cursor_wrapper(cursor))  # type: ignore[attr-defined]  # peewee's own rows

    def first(self, *args: Any) -> Any:
        """The first row, or None (the query itself carries its LIMIT 1)."""
        return next(self.rows(*args), None)
