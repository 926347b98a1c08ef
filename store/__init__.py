"""The store: SQLAlchemy models of documents, directives, bodies and reviews, on SQLite or PostgreSQL.

``store.db`` (engines, sessions, Alembic upgrades), ``store.models`` (one module per concern), ``store.crud``
(keyword-only reads and writes, the re-extraction rule), ``store.search`` (full text without diacritics,
filters, keyset pages, change feed), ``store.bodies`` (the gazetteer's copy and the 2025 reorganisation),
``store.changes`` (the change sequence). It knows ``nlp``'s records, never spaCy.
"""
