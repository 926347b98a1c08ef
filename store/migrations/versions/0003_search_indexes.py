"""Indexes for search at a million tasks, and a stored full-text vector on PostgreSQL.

A search by body walks ``directive_bodies`` by (body_name, role) newest first, so that index carries the role and
the directive id. A deadline range reads the deadline index with what decides a task (cluster head, active) and
its id, without touching the rows. On PostgreSQL the ``to_tsvector`` of each directive is stored
(``search_vector``, kept by a trigger) and GIN-indexed under the old name, instead of being recomputed for every
row a plan reads; SQLite keeps its FTS5 table. A trigger rather than a generated column: rows copied with
``INSERT … SELECT *`` (snapshots, restores) still go in.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_VECTOR = [
    "DROP INDEX IF EXISTS ix_directives_search",
    "ALTER TABLE directives ADD COLUMN search_vector tsvector",
    "UPDATE directives SET search_vector = to_tsvector('simple', search_text)",
    "CREATE FUNCTION directives_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "NEW.search_vector := to_tsvector('simple', NEW.search_text); RETURN NEW; END $$",
    "CREATE TRIGGER directives_search_vector BEFORE INSERT OR UPDATE OF search_text ON directives "
    "FOR EACH ROW EXECUTE FUNCTION directives_search_vector()",
    "CREATE INDEX ix_directives_search ON directives USING gin (search_vector)",
]
PG_EXPRESSION = [
    "DROP INDEX IF EXISTS ix_directives_search",
    "DROP TRIGGER IF EXISTS directives_search_vector ON directives",
    "DROP FUNCTION IF EXISTS directives_search_vector()",
    "ALTER TABLE directives DROP COLUMN IF EXISTS search_vector",
    "CREATE INDEX ix_directives_search ON directives USING gin (to_tsvector('simple', search_text))",
]


def upgrade() -> None:
    op.drop_index("ix_directive_bodies_name", table_name="directive_bodies")
    op.create_index("ix_directive_bodies_name_role", "directive_bodies", ["body_name", "role", "directive_id"])
    op.drop_index("ix_directives_deadline", table_name="directives")
    op.create_index("ix_directives_deadline_head", "directives", ["deadline", "cluster_id", "active", "id"])
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_VECTOR:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_EXPRESSION:
            op.execute(statement)
    op.drop_index("ix_directives_deadline_head", table_name="directives")
    op.create_index("ix_directives_deadline", "directives", ["deadline"])
    op.drop_index("ix_directive_bodies_name_role", table_name="directive_bodies")
    op.create_index("ix_directive_bodies_name", "directive_bodies", ["body_name", "directive_id"])
