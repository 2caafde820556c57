"""Benchmarks (not tests): run them with `make bench` or `python bench/<name>.py`."""
