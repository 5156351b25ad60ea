"""The first schema: documents and their annotations, sources, and cross-document links.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('documents',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('date', sa.String(length=32), nullable=True),
    sa.Column('author', sa.Text(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('header', sa.JSON(), nullable=True),
    sa.Column('markup', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_documents_date'), 'documents', ['date'], unique=False)
    op.create_table('link_attestations',
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.String(length=32), nullable=False),
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('item_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('document_date', sa.String(length=32), nullable=True),
    sa.Column('speaker_name', sa.Text(), nullable=True),
    sa.Column('work_title', sa.Text(), nullable=True),
    sa.Column('work_year', sa.Integer(), nullable=True),
    sa.Column('value', sa.String(length=64), nullable=True),
    sa.Column('context', sa.Text(), nullable=True),
    sa.Column('match', sa.String(length=32), nullable=True),
    sa.Column('signature', sa.LargeBinary(), nullable=True),
    sa.PrimaryKeyConstraint('key'),
    sa.UniqueConstraint('seq')
    )
    op.create_index(op.f('ix_link_attestations_cluster_id'), 'link_attestations', ['cluster_id'], unique=False)
    op.create_index(op.f('ix_link_attestations_document_id'), 'link_attestations', ['document_id'], unique=False)
    op.create_table('link_clusters',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('earliest', sa.String(length=160), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_link_clusters_kind'), 'link_clusters', ['kind'], unique=False)
    op.create_table('link_conflicts',
    sa.Column('cluster_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('severity', sa.Float(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('cluster_id', 'kind')
    )
    op.create_index(op.f('ix_link_conflicts_severity'), 'link_conflicts', ['severity'], unique=False)
    op.create_table('sources',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('encoding', sa.String(length=64), nullable=True),
    sa.Column('media_type', sa.String(length=64), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('captured', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('sha256', 'path')
    )
    op.create_table('claims',
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.Column('end', sa.Integer(), nullable=True),
    sa.Column('holder', sa.String(length=32), nullable=True),
    sa.Column('holder_name', sa.Text(), nullable=True),
    sa.Column('stance', sa.String(length=16), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'id')
    )
    op.create_index(op.f('ix_claims_holder_name'), 'claims', ['holder_name'], unique=False)
    op.create_index(op.f('ix_claims_stance'), 'claims', ['stance'], unique=False)
    op.create_table('document_sources',
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'seq')
    )
    op.create_table('entities',
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=True),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'id')
    )
    op.create_index(op.f('ix_entities_name'), 'entities', ['name'], unique=False)
    op.create_index(op.f('ix_entities_type'), 'entities', ['type'], unique=False)
    op.create_table('mentions',
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('entity_id', sa.String(length=32), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.Column('end', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'entity_id', 'seq')
    )
    op.create_table('provenance',
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.Column('end', sa.Integer(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('source_start', sa.Integer(), nullable=True),
    sa.Column('source_end', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'seq')
    )
    op.create_table('quotes',
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.Column('end', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=True),
    sa.Column('speaker', sa.String(length=32), nullable=True),
    sa.Column('speaker_name', sa.Text(), nullable=True),
    sa.Column('block', sa.Boolean(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'id')
    )
    op.create_index(op.f('ix_quotes_kind'), 'quotes', ['kind'], unique=False)
    op.create_index(op.f('ix_quotes_speaker_name'), 'quotes', ['speaker_name'], unique=False)
    op.create_table('times',
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.Column('end', sa.Integer(), nullable=True),
    sa.Column('value', sa.String(length=64), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'seq')
    )
    op.create_index(op.f('ix_times_value'), 'times', ['value'], unique=False)
    op.create_table('works',
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('reviewed', sa.Boolean(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'seq')
    )
    op.create_index(op.f('ix_works_title'), 'works', ['title'], unique=False)


def downgrade() -> None:
    for table in ("works", "times", "quotes", "provenance", "mentions", "entities", "document_sources", "claims",
                  "sources", "link_conflicts", "link_clusters", "link_attestations", "documents"):
        op.drop_table(table)
