"""Benchmarks: speed, memory and quality measurements, run with `make bench` (never timed tests)."""
