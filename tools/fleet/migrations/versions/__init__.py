"""Alembic revisions of the fleet registry schema, oldest first."""
