"""The journal's screens, one module per section (home, login, journal grid, attendance, roster …).

Sections are listed in tui/registry.py, which names each screen as "tui.screens.module:Class".
"""
