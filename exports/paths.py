"""Where exported files go: `JOURNAL_EXPORT_DIR`, else a folder in the user's home."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DIR = "~/journal-exports"


def default_export_dir() -> Path:
    """The export folder, created owner-only (0700) if missing: files hold personal data."""
    folder = Path(os.environ.get("JOURNAL_EXPORT_DIR") or DEFAULT_DIR).expanduser()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder
