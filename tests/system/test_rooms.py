"""The rooms are enforced, not hoped for (DESIGN.md, STYLE.md): models/ and exports/ never load
Textual, and tui/ never talks to the database itself."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NO_DB_IN_UI = ("peewee", "playhouse", "sqlite3", "psycopg", "psycopg2")
# the store's internals: the UI calls services, never the Peewee models or the binding
STORE_INTERNALS = ("models.core.schema", "models.core.db", "models.core.migrations")


def _modules(package: str) -> list[str]:
    """Every importable module of a package folder (migrations are files, not modules)."""
    path = ROOT / package
    names = [package]
    for info in pkgutil.walk_packages([str(path)], prefix=f"{package}."):
        names.append(info.name)
    return sorted(names)


def test_models_and_exports_never_load_textual():
    modules = _modules("models") + _modules("exports")
    assert "models.journal.entries" in modules and "models.journal.grid" in modules
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'tui'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == [], f"models/ or exports/ pulled in the UI: {loaded}"


def _imports(path: Path) -> set[str]:
    """Every module a source imports, anywhere in it (also inside functions), dotted."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _top(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


def test_tui_never_imports_the_database_layer():
    sources = sorted((ROOT / "tui").rglob("*.py"))
    assert sources, "tui/ has no Python sources"
    offenders = {}
    for path in sources:
        imported = _imports(path)
        bad = _top(imported) & set(NO_DB_IN_UI)
        bad |= {name for name in imported if name.startswith(STORE_INTERNALS)}
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_models_never_import_the_rooms_above():
    """models/ is the lowest room: exports/ reads files into rows for it, tui/ shows it."""
    offenders = {}
    for path in sorted((ROOT / "models").rglob("*.py")):
        bad = _top(_imports(path)) & {"exports", "tui", "journal", "demo"}
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_the_import_scan_sees_what_it_looks_for(tmp_path):
    """The scanner itself: plain, dotted, from- and function-local imports are all found."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import peewee\nfrom playhouse.migrate import x\n"
        "def f():\n    from models.core.schema import Mark\n    import models.core.db\n",
        encoding="utf-8",
    )
    imported = _imports(probe)
    assert {"peewee", "playhouse"} <= _top(imported)
    assert {"models.core.schema.Mark", "models.core.db"} <= imported
