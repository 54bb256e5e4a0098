"""The journal itself: lessons, marks and absences (cells), final marks, the grid,
the arithmetic of marks, attendance and excuses, subgroups."""
