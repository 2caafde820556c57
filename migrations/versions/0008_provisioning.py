"""provisioning and administration: SCIM ids on people and teams, retired teams, anonymised people

Revision ID: 0008
Revises: 0005
Create Date: 2026-11-25 05:40:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_name', sqlmodel.sql.sqltypes.AutoString(length=320),
                                      nullable=True))
        batch_op.add_column(sa.Column('external_id', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=True))
        batch_op.add_column(sa.Column('deprovisioned_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint('uq_person_user_name', ['user_name'])
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_id', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=True))
        batch_op.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_column('retired_at')
        batch_op.drop_column('external_id')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_constraint('uq_person_user_name', type_='unique')
        batch_op.drop_column('anonymised_at')
        batch_op.drop_column('deprovisioned_at')
        batch_op.drop_column('external_id')
        batch_op.drop_column('user_name')
