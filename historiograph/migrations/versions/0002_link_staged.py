"""Attestations staged for the Dask tasks that link them, a share of the entries each.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('link_staged',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
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
    sa.Column('signature', sa.LargeBinary(), nullable=True),
    sa.Column('root', sa.Integer(), nullable=False),
    sa.Column('match', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('seq')
    )


def downgrade() -> None:
    op.drop_table('link_staged')
