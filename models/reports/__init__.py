"""What is read out of the journal: the period analysis, control of subject
teachers, parents' activity, the duties dashboard, diary extracts, the diary, the audit log."""
