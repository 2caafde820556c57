"""organisation look: main colour and logo

Revision ID: 0019
Revises: 0015
Create Date: 2026-12-07 16:40:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0019'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('brand_colour', sqlmodel.sql.sqltypes.AutoString(length=7),
                                      nullable=True))
        batch_op.add_column(sa.Column('logo_type', sqlmodel.sql.sqltypes.AutoString(length=20),
                                      nullable=True))
        batch_op.add_column(sa.Column('logo_version', sa.Integer(), nullable=False,
                                      server_default='0'))
    op.create_table(
        'organisation_logo',
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id']),
        sa.PrimaryKeyConstraint('organisation_id'),
    )


def downgrade():
    op.drop_table('organisation_logo')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('logo_version')
        batch_op.drop_column('logo_type')
        batch_op.drop_column('brand_colour')
