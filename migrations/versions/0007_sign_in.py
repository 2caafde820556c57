"""sign-in: OpenID Connect subjects, break-glass admins, one-time password links

Revision ID: 0007
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0007'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('break_glass', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('oidc_issuer', sqlmodel.sql.sqltypes.AutoString(length=500),
                                      nullable=True))
        batch_op.add_column(sa.Column('oidc_subject', sqlmodel.sql.sqltypes.AutoString(length=255),
                                      nullable=True))
        batch_op.create_unique_constraint('uq_person_oidc', ['oidc_issuer', 'oidc_subject'])
    # The default only fills existing rows; the model sets the value from then on.
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.alter_column('break_glass', server_default=None)

    op.create_table('passwordlink',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['person.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('passwordlink', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_passwordlink_person_id'), ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('passwordlink', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_passwordlink_person_id'))
    op.drop_table('passwordlink')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_constraint('uq_person_oidc', type_='unique')
        batch_op.drop_column('oidc_subject')
        batch_op.drop_column('oidc_issuer')
        batch_op.drop_column('break_glass')
