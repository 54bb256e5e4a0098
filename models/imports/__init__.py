"""Imports: plans and all-or-nothing writes of rows that exports/ read from files
(a class list; staff, teaching load, timetable)."""
