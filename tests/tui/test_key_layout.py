"""The keyboard layout table (tui/keys.py): a binding names its Latin key once and `twin` adds the
Russian-layout twin; every binding of the app answers in both layouts (DESIGN.md: keys work in
both Latin and Cyrillic layouts, as a teacher's keyboard sends them)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.binding import Binding
from textual.keys import _character_to_key

import tui
from tui.keys import ABSENCE_KEYS, KEY_NAMES, LATIN, RUSSIAN, RUSSIAN_OF, SECOND_MARK_KEYS, twin, twin_keys
from tui.registry import SECTIONS

LATIN_OF = {russian: latin for latin, russian in RUSSIAN_OF.items()}

# Bindings whose Latin letters are deliberately not layout twins, with the reason.
NOT_TWINS = {
    # «Д/Н» answer by the word's first letter (да/нет), in Latin by yes-on-the-д-key (l) and "n" for no
    ("ConfirmDialog", "no"): "escape,н,n",
}


def _bindings() -> list[tuple[str, str | None, str]]:
    """(class, binding id, keys) of every binding declared in tui/, and the home keys of SECTIONS."""
    found = []
    for info in pkgutil.walk_packages(tui.__path__, prefix="tui."):
        module = importlib.import_module(info.name)
        for cls in vars(module).values():
            if not (inspect.isclass(cls) and cls.__module__ == module.__name__):
                continue
            for binding in cls.__dict__.get("BINDINGS", ()):
                if isinstance(binding, Binding):
                    found.append((cls.__name__, binding.id, binding.key))
                else:  # a (key, action, description) tuple
                    found.append((cls.__name__, None, binding[0]))
    found += [("SECTIONS", section.name, section.keys) for section in SECTIONS.values()]
    return found


def _absence_code_typed(names: list[str]) -> str | None:
    """The absence code a binding types when each of its keys types that code (tui/keys.py)."""
    characters = {name: character for character, name in KEY_NAMES.items()}
    codes = {ABSENCE_KEYS.get(characters.get(name, name)) for name in names}
    return codes.pop() if len(codes) == 1 else None


def _names_the_code(letter: str, code: str) -> bool:
    """ "n" for «н»: the code's Latin name, not the key it shares with «н» ("y")."""
    return ABSENCE_KEYS.get(letter) == code and letter not in (LATIN_OF[code], LATIN_OF[code.upper()])


def test_the_layout_table_pairs_each_key_once():
    assert len(LATIN) == len(RUSSIAN) == len(RUSSIAN_OF) == len(set(RUSSIAN_OF.values())) == 68
    assert RUSSIAN_OF["q"] == "й" and RUSSIAN_OF["j"] == "о" and RUSSIAN_OF["`"] == "ё"
    assert RUSSIAN_OF["A"] == "Ф" and RUSSIAN_OF["/"] == "." and RUSSIAN_OF["?"] == ","


def test_the_key_names_are_textuals_own():
    for character, name in KEY_NAMES.items():
        assert _character_to_key(character) == name
    # every punctuation key of the table (either side) has its name here
    punctuation = {c for c in LATIN + RUSSIAN if not c.isalnum()}
    assert punctuation <= set(KEY_NAMES)


def test_twin_adds_the_russian_key_after_each_latin_one():
    assert twin("j") == "j,о"
    assert twin("A") == "A,Ф"
    assert twin("n,insert") == "n,т,insert"
    assert twin("insert,n") == "insert,n,т"
    assert twin("enter,i") == "enter,i,ш"
    assert twin("p,right_square_bracket") == "p,з,right_square_bracket,ъ"
    assert twin("left_square_bracket,ctrl+left") == "left_square_bracket,х,ctrl+left"
    assert twin("slash") == "slash,full_stop"
    assert twin("comma") == "comma,б" and twin("full_stop") == "full_stop,ю"
    assert twin("escape") == "escape" and twin("ctrl+s,f9") == "ctrl+s,f9" and twin("delete") == "delete"
    assert twin_keys("a,A") == ("a", "ф", "A", "Ф")


def test_every_latin_letter_of_every_binding_has_its_russian_twin():
    bindings = _bindings()
    assert len(bindings) > 150  # the walk found the app's bindings, not a few
    checked, missing = 0, []
    for owner, binding_id, keys in bindings:
        names = keys.split(",")
        letters = [k for k in names if len(k) == 1 and k.isascii() and k.isalpha()]
        if (owner, binding_id) in NOT_TWINS:
            assert keys == NOT_TWINS[owner, binding_id]  # the exception is still what it says
            continue
        checked += bool(letters)
        code = _absence_code_typed(names)
        for letter in letters:
            if code is not None and _names_the_code(letter, code):
                continue  # n, b, u, o type their code by its Latin name: a letter of its own, not a twin
            if RUSSIAN_OF[letter] not in names:
                missing.append((owner, binding_id, keys, letter))
    assert checked > 80
    assert missing == []


def test_the_home_keys_come_from_the_table():
    assert SECTIONS["journal"].keys == "j,о,J,О" and SECTIONS["journal"].display == "J"
    for section in SECTIONS.values():
        latin = section.keys.split(",")[0]
        capital = latin.upper()
        assert section.keys == f"{latin},{RUSSIAN_OF[latin]},{capital},{RUSSIAN_OF[capital]}"
        assert section.display == capital


def test_the_typing_tables_agree_with_the_layout():
    """Absence codes, final marks and the second-mark key are typed on the same physical key in
    both layouts: each Russian letter's Latin twin means the same."""
    for code in "нбуо":
        for letter in (code, code.upper()):
            assert ABSENCE_KEYS[letter] == code
            assert ABSENCE_KEYS[LATIN_OF[letter]] == code
    from tui.screens.journalgrid import FINAL_KEYS

    for key, value in FINAL_KEYS.items():
        if key in LATIN_OF:
            assert FINAL_KEYS[LATIN_OF[key]] == value
    assert {"/", RUSSIAN_OF["/"]} <= SECOND_MARK_KEYS
