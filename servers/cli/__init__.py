"""The ``aiops`` command line (typer + rich)."""
