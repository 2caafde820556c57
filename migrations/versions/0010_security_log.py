"""security log

Revision ID: 0010
Revises: 0005
Create Date: 2026-11-25 05:45:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0010'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('securityevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('securityevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_securityevent_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_securityevent_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_securityevent_person_id'), ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('securityevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_securityevent_person_id'))
        batch_op.drop_index(batch_op.f('ix_securityevent_kind'))
        batch_op.drop_index(batch_op.f('ix_securityevent_at'))

    op.drop_table('securityevent')
