"""API tokens get a name, an expiry and a last-used time

Revision ID: 0009
Revises: 0005
Create Date: 2026-11-25 06:00:00
"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# Tokens issued before this version never ended; they now end 90 days after the upgrade.
EXISTING_TOKENS_DAYS = 90


def upgrade():
    with op.batch_alter_table('apitoken', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True))
    expires = datetime.now(timezone.utc) + timedelta(days=EXISTING_TOKENS_DAYS)
    op.get_bind().execute(sa.text("UPDATE apitoken SET expires_at = :expires"),
                          {"expires": expires})
    with op.batch_alter_table('apitoken', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)
        batch_op.alter_column('name', existing_type=sqlmodel.sql.sqltypes.AutoString(length=100),
                              server_default=None)


def downgrade():
    with op.batch_alter_table('apitoken', schema=None) as batch_op:
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('expires_at')
        batch_op.drop_column('name')
