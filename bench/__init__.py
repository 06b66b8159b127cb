"""Benchmark against the framework's floor (``make bench``); see README.md."""
