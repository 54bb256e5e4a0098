"""A demo school built through the services of models/ (journal demo, the benchmarks)."""
