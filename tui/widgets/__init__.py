"""Widgets shared by the screens: the marks grid (line API), the dialogs, the segment renderer."""
