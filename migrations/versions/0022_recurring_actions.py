"""recurring actions: repeat every n cycles, series, the copies made

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 20:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('repeat_every', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_action_series_id'), ['series_id'], unique=False)
    op.create_table(
        'series_copy',
        sa.Column('series_id', sa.Integer(), nullable=False),
        sa.Column('cycle_number', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=True),
        sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('series_id', 'cycle_number'),
    )


def downgrade():
    op.drop_table('series_copy')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_series_id'))
        batch_op.drop_column('series_id')
        batch_op.drop_column('repeat_every')
