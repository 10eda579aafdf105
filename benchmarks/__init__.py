"""Benchmarks of the tool server: each module runs as ``python -m benchmarks.<name>`` (see benchmarks/README.md)."""
