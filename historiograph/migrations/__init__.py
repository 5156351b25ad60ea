"""Alembic migrations of the store's schema, run by ``Store`` itself: users never call alembic.

A new revision goes in ``versions/`` (``down_revision`` = the previous one); the test in
tests/store/test_migrations.py fails while the migrated schema differs from ``schema.metadata``.
"""
