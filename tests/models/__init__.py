"""Services and formulas of models/, on SQLite and PostgreSQL: values worked by hand."""
