"""What the keys a teacher presses mean, in both keyboard layouts.

A teacher's keyboard may be in the Russian or the Latin layout: the same physical key
sends "н" or "y". Marks and absence codes are read from the character a key sends, so
either layout works, and the Latin letters of the codes' names (n, b, u, o) too.

A binding names its Latin key once and `twin` adds the key's Russian-layout twin from the
one layout table below: `Binding(twin("j"), …)` binds "j,о".
"""

from __future__ import annotations

# The one layout table: the physical key that sends LATIN[i] in the Latin (QWERTY) layout sends
# RUSSIAN[i] in the Russian one (ЙЦУКЕН), without shift and with it.
LATIN = "qwertyuiop[]asdfghjkl;'zxcvbnm,./`" + 'QWERTYUIOP{}ASDFGHJKL:"ZXCVBNM<>?~'
RUSSIAN = "йцукенгшщзхъфывапролджэячсмитьбю.ё" + "ЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ,Ё"
RUSSIAN_OF: dict[str, str] = dict(zip(LATIN, RUSSIAN, strict=True))

# Textual's names of the keys that send punctuation (a letter's key is named by the letter)
KEY_NAMES: dict[str, str] = {
    "[": "left_square_bracket",
    "]": "right_square_bracket",
    ";": "semicolon",
    "'": "apostrophe",
    ",": "comma",
    ".": "full_stop",
    "/": "slash",
    "`": "grave_accent",
    "{": "left_curly_bracket",
    "}": "right_curly_bracket",
    ":": "colon",
    '"': "quotation_mark",
    "<": "less_than_sign",
    ">": "greater_than_sign",
    "?": "question_mark",
    "~": "tilde",
}
CHARACTERS: dict[str, str] = {name: character for character, name in KEY_NAMES.items()}


def russian_twin(key: str) -> str | None:
    """The key the same physical key is called in the Russian layout: "j" → "о", "comma" → "б"."""
    character = key if len(key) == 1 else CHARACTERS.get(key)
    if character is None or character not in RUSSIAN_OF:
        return None  # "enter", "f5", "ctrl+s", a Russian letter: no twin
    twin_character = RUSSIAN_OF[character]
    return KEY_NAMES.get(twin_character, twin_character)


def twin(keys: str) -> str:
    """A binding's keys with each Latin key followed by its Russian-layout twin: "j" → "j,о",
    "n,insert" → "n,т,insert", "left_square_bracket" → "left_square_bracket,х",
    "slash" → "slash,full_stop". Keys with no twin ("insert", "f9", "ctrl+s") stay as they are."""
    out: list[str] = []
    for key in keys.split(","):
        out.append(key)
        other = russian_twin(key)
        if other is not None:
            out.append(other)
    return ",".join(out)


def twin_keys(keys: str) -> tuple[str, ...]:
    """The same as single keys, to compare with `event.key`: "a,A" → ("a", "ф", "A", "Ф")."""
    return tuple(twin(keys).split(","))


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
