"""goals owned by teams: goals get a status, the day they were achieved and a version;
ambitions can be retired and carry a version

0005 dropped `goal.status`, which nothing had ever set: every goal then was open. So every
existing goal comes back open at version 1, and every ambition unretired at version 1.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 05:40:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0006'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10),
                                      nullable=False, server_default='open'))
        batch_op.add_column(sa.Column('achieved_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False,
                                      server_default='1'))
    with op.batch_alter_table('ambition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False,
                                      server_default='1'))
    # The model sets these values itself; the defaults only filled the existing rows.
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.alter_column('status', server_default=None)
        batch_op.alter_column('version', server_default=None)
    with op.batch_alter_table('ambition', schema=None) as batch_op:
        batch_op.alter_column('retired', server_default=None)
        batch_op.alter_column('version', server_default=None)


def downgrade():
    with op.batch_alter_table('ambition', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('retired')
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('achieved_on')
        batch_op.drop_column('status')
