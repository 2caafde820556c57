"""board index with position: a move finds its neighbours' keys in the index

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 23:00:00
"""
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    # A move reads the smallest and largest key around its new place in one column of one
    # board; with the keys in the index that is a lookup, not a pass over the column.
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index('ix_action_board')
        batch_op.create_index('ix_action_board', ['team_id', 'cycle_number', 'status', 'position'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index('ix_action_board')
        batch_op.create_index('ix_action_board', ['team_id', 'cycle_number', 'status'], unique=False)
