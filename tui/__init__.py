"""The Textual app: screens, widgets, one stylesheet. No SQL: it calls the services of models/.

app.py         the App: login, home or diary, session checks, F2/F12, run_app
registry.py    the sections (home keys, palette, app.open) and the screen each one builds
strings.py     every Russian string the app shows
keys.py        what keys mean in both layouts: the Latin↔Russian table, twin("j") → "j,о"
attempt.py     call a service and show its refusal
commands.py    the command palette's provider
journal.tcss   the stylesheet
screens/       one module per screen or section (home, login, journalgrid, attendance …)
setup/         the admin's setup screen, one module per tab
widgets/       shared widgets: the marks grid, dialogs, the segment renderer
serve/         journal serve ssh and journal serve web
"""
