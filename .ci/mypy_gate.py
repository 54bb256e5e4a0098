"""The mypy gate: models/ and exports/ type-check clean; elsewhere no error beyond the baseline.

    python .ci/mypy_gate.py           run mypy (configured in pyproject.toml) and judge
    python .ci/mypy_gate.py --update  write today's errors outside models/ and exports/ to
                                      the baseline (after fixing some, or moving files)

The baseline (.ci/mypy-baseline.txt) lists tui/, demo/ and journal.py's errors as
"path: error: message  [code]", without line numbers, so an edit above an error does not move
it. The gate fails on an error the baseline does not list (a new one) and on one it lists that
is gone (a fixed one: run --update so the baseline shrinks and the error cannot come back).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / ".ci" / "mypy-baseline.txt"
STRICT = ("models/", "exports/")  # 0 errors here
ERROR = re.compile(r"^(?P<path>[^:\s]+):(?:\d+:){0,2} error: (?P<rest>.*)$")


def run_mypy() -> dict[str, list[str]]:
    """Today's errors: "path: error: message  [code]" → mypy's lines with it (notes dropped)."""
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "--no-pretty", "--no-color-output"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode not in (0, 1):  # 2: mypy itself failed (bad config, crash)
        sys.exit(f"mypy failed:\n{done.stdout}{done.stderr}")
    errors: dict[str, list[str]] = {}
    for line in done.stdout.splitlines():
        match = ERROR.match(line)
        if match:
            errors.setdefault(f"{match['path']}: error: {match['rest']}", []).append(line)
        elif ": note: " not in line and line.strip():
            sys.exit(f"mypy printed a line this gate does not understand:\n{line}")
    return errors


def baselined(error: str) -> bool:
    return not error.startswith(STRICT)


def main() -> int:
    errors = run_mypy()
    now = Counter({key: len(lines) for key, lines in errors.items() if baselined(key)})
    if "--update" in sys.argv[1:]:
        BASELINE.write_text("".join(f"{key}\n" for key in sorted(now.elements())), encoding="utf-8")
        print(f"{BASELINE.relative_to(ROOT)}: {now.total()} errors")
    baseline = Counter(BASELINE.read_text(encoding="utf-8").splitlines())
    strict = sorted(line for key, lines in errors.items() if not baselined(key) for line in lines)
    # mypy's own lines for a message that occurs more often than the baseline says
    new = sorted(line for key in now - baseline for line in errors[key])
    fixed = sorted((baseline - now).elements())
    for title, lines in (
        ("errors in models/ or exports/, which must type-check clean", strict),
        ("errors beyond .ci/mypy-baseline.txt (fix the new one among them)", new),
        ("errors gone that the baseline still lists (run: python .ci/mypy_gate.py --update)", fixed),
    ):
        if lines:
            print(f"mypy gate: {len(lines)} {title}:")
            print("".join(f"  {line}\n" for line in lines), end="")
    if strict or new or fixed:
        return 1
    print(f"mypy gate: passed (models/ and exports/ clean; {now.total()} errors on the baseline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
