"""Benchmarks and long-running checks (`make bench`); never part of `make test`."""
