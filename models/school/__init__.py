"""The school's frame for a year (admin): years and periods, classes, subjects and
work types, the teaching load, the timetable, the promotion to the next year."""
