"""Contracts: pydantic message payloads (``messages``) and SQLAlchemy models (``models``)."""
