"""Alembic migrations for the marsad store (run with `marsad db upgrade`)."""
