"""Benchmarks: run one with `.venv/bin/python -m bench.<module>`; `make bench` runs all."""
