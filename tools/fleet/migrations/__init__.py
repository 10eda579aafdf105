"""Alembic environment and revisions of the fleet registry schema (run through :mod:`tools.fleet.migrate`)."""
