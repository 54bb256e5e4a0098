"""What the keys a teacher presses mean, in both keyboard layouts.

A teacher's keyboard may be in the Russian or the Latin layout: the same physical key
sends "н" or "y". Marks and absence codes are read from the character a key sends, so
either layout works, and the Latin letters of the codes' names (n, b, u, o) too.
"""

from __future__ import annotations

# character → absence code
ABSENCE_KEYS: dict[str, str] = {
    "н": "н",
    "y": "н",
    "n": "н",
    "Н": "н",
    "Y": "н",
    "N": "н",
    "б": "б",
    ",": "б",
    "b": "б",
    "Б": "б",
    "B": "б",
    "<": "б",
    "у": "у",
    "e": "у",
    "u": "у",
    "У": "у",
    "E": "у",
    "U": "у",
    "о": "о",
    "j": "о",
    "o": "о",
    "О": "о",
    "J": "о",
    "O": "о",
}

MARK_KEYS = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}

# "/" adds a second mark; "." is the same key in the Russian layout (and "|" as shift).
SECOND_MARK_KEYS = {"/", ".", "|"}


def absence_code(character: str | None) -> str | None:
    return ABSENCE_KEYS.get(character or "")


def mark_value(character: str | None) -> int | None:
    return MARK_KEYS.get(character or "")
