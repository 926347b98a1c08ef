"""Store: SQLAlchemy models and search (filled by the store issue)."""
