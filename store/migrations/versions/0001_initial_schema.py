"""The initial schema: sources, documents, directives with bodies and topics, the gazetteer's bodies, figures,
references, review events, the change counter, and the full-text index of directives.

Full-text search reads ``directives.search_text``, a folded copy (no diacritics, đ → d) of the clause and its
bodies' names: FTS5 on SQLite (an external-content table kept in sync by triggers), a GIN index over
``to_tsvector('simple', search_text)`` on PostgreSQL.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE directives_fts USING fts5(search_text, content='directives', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER directives_fts_insert AFTER INSERT ON directives BEGIN "
    "INSERT INTO directives_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER directives_fts_delete AFTER DELETE ON directives BEGIN "
    "INSERT INTO directives_fts(directives_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER directives_fts_update AFTER UPDATE OF search_text ON directives BEGIN "
    "INSERT INTO directives_fts(directives_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO directives_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
POSTGRES_FTS = [
    "CREATE INDEX ix_directives_search ON directives USING gin (to_tsvector('simple', search_text))",
]


def _create_search_index() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_FTS if dialect == "sqlite" else POSTGRES_FTS if dialect == "postgresql" else []:
        op.execute(statement)


def _drop_search_index() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS directives_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS directives_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_directives_search")


def upgrade() -> None:
    op.create_table('bodies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('name_key', sa.String(length=300), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('aliases', JSON, nullable=False),
    sa.Column('alias_keys', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bodies')),
    sa.UniqueConstraint('name', name=op.f('uq_bodies_name'))
    )
    op.create_index(op.f('ix_bodies_name_key'), 'bodies', ['name_key'])

    op.create_table('counters',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_counters'))
    )
    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=True),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources')),
    sa.UniqueConstraint('name', name=op.f('uq_sources_name'))
    )
    op.create_table('store_meta',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_store_meta'))
    )
    op.create_table('body_successions',
    sa.Column('predecessor_id', sa.Integer(), nullable=False),
    sa.Column('successor_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['predecessor_id'], ['bodies.id'], name=op.f('fk_body_successions_predecessor_id_bodies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['successor_id'], ['bodies.id'], name=op.f('fk_body_successions_successor_id_bodies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('predecessor_id', 'successor_id', name=op.f('pk_body_successions'))
    )
    op.create_index(op.f('ix_body_successions_successor_id'), 'body_successions', ['successor_id'])

    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('doc_type', sa.String(length=80), nullable=True),
    sa.Column('number', sa.String(length=120), nullable=True),
    sa.Column('number_key', sa.String(length=120), nullable=True),
    sa.Column('issuer', sa.String(length=300), nullable=True),
    sa.Column('issued', sa.Date(), nullable=True),
    sa.Column('place', sa.String(length=120), nullable=True),
    sa.Column('signer', sa.String(length=200), nullable=True),
    sa.Column('signer_title', sa.String(length=200), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('meta', JSON, nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('extractor_version', sa.String(length=80), nullable=True),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_documents_source_id_sources'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('content_hash', name=op.f('uq_documents_content_hash')),
    sa.UniqueConstraint('url', name=op.f('uq_documents_url'))
    )
    op.create_index(op.f('ix_documents_number_key'), 'documents', ['number_key'])
    op.create_index(op.f('ix_documents_published'), 'documents', ['published'])
    op.create_index(op.f('ix_documents_source_id'), 'documents', ['source_id'])
    op.create_index('ix_documents_status_id', 'documents', ['status', 'id'])

    op.create_table('directives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('clause_key', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('issuer_person', sa.String(length=200), nullable=True),
    sa.Column('issuer_office', sa.String(length=300), nullable=True),
    sa.Column('issuer_key', sa.String(length=200), nullable=True),
    sa.Column('verb', sa.String(length=80), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('deadline_text', sa.String(length=300), nullable=True),
    sa.Column('deadline_granularity', sa.String(length=12), nullable=True),
    sa.Column('confidence', sa.Double(), nullable=False),
    sa.Column('extractor', sa.String(length=80), nullable=False),
    sa.Column('extractor_version', sa.String(length=80), nullable=True),
    sa.Column('review_status', sa.String(length=12), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=True),
    sa.Column('doc_date', sa.Date(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cluster_id'], ['directives.id'], name=op.f('fk_directives_cluster_id_directives'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_directives_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directives')),
    sa.UniqueConstraint('document_id', 'clause_key', name='uq_directives_document_clause'),
    sa.UniqueConstraint('seq', name=op.f('uq_directives_seq'))
    )
    op.create_index(op.f('ix_directives_deadline'), 'directives', ['deadline'])
    op.create_index(op.f('ix_directives_doc_date'), 'directives', ['doc_date'])
    op.create_index(op.f('ix_directives_document_id'), 'directives', ['document_id'])
    op.create_index('ix_directives_head', 'directives', ['cluster_id', 'active', 'id'])
    op.create_index(op.f('ix_directives_issuer_key'), 'directives', ['issuer_key'])
    op.create_index(op.f('ix_directives_review_status'), 'directives', ['review_status'])

    op.create_table('figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('value', sa.Double(), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('total', sa.Double(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_figures_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_figures'))
    )
    op.create_index(op.f('ix_figures_document_id'), 'figures', ['document_id'])

    op.create_table('references',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=120), nullable=False),
    sa.Column('number_key', sa.String(length=120), nullable=False),
    sa.Column('type', sa.String(length=80), nullable=True),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_references_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['documents.id'], name=op.f('fk_references_target_id_documents'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_references'))
    )
    op.create_index(op.f('ix_references_document_id'), 'references', ['document_id'])
    op.create_index(op.f('ix_references_number_key'), 'references', ['number_key'])
    op.create_index(op.f('ix_references_target_id'), 'references', ['target_id'])

    op.create_table('directive_bodies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('directive_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('body_name', sa.String(length=300), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_directive_bodies_body_id_bodies'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['directive_id'], ['directives.id'], name=op.f('fk_directive_bodies_directive_id_directives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directive_bodies')),
    sa.UniqueConstraint('directive_id', 'role', 'body_name', name='uq_directive_bodies_role_name')
    )
    op.create_index(op.f('ix_directive_bodies_body_id'), 'directive_bodies', ['body_id'])
    op.create_index('ix_directive_bodies_name', 'directive_bodies', ['body_name', 'directive_id'])

    op.create_table('directive_topics',
    sa.Column('directive_id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['directive_id'], ['directives.id'], name=op.f('fk_directive_topics_directive_id_directives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('directive_id', 'topic', name=op.f('pk_directive_topics'))
    )
    op.create_index('ix_directive_topics_topic', 'directive_topics', ['topic', 'directive_id'])

    op.create_table('review_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('directive_id', sa.Integer(), nullable=False),
    sa.Column('who', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('before', JSON, nullable=True),
    sa.Column('after', JSON, nullable=True),
    sa.ForeignKeyConstraint(['directive_id'], ['directives.id'], name=op.f('fk_review_events_directive_id_directives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_events'))
    )
    op.create_index(op.f('ix_review_events_directive_id'), 'review_events', ['directive_id'])
    op.bulk_insert(sa.table("counters", sa.column("name", sa.String), sa.column("value", sa.BigInteger)),
                   [{"name": "changes", "value": 0}])
    _create_search_index()


def downgrade() -> None:
    _drop_search_index()
    for table in ("review_events", "directive_topics", "directive_bodies", "references", "figures", "directives",
                  "documents", "body_successions", "store_meta", "sources", "counters", "bodies"):
        op.drop_table(table)
