"""stand-up schedule: a team's stand-up time (Dutch local time) and weekdays

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 22:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade():
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.add_column(sa.Column('standup_time', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('standup_days', S(length=27), nullable=True))


def downgrade():
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_column('standup_days')
        batch_op.drop_column('standup_time')
