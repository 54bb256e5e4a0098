"""Files: exports written and read back, imports read from real files."""
