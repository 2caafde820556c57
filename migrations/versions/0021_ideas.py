"""ideas: improvement ideas posted to a team

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 20:10:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString
TS = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        'idea',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('title', S(length=200), nullable=False),
        sa.Column('text', S(length=4000), nullable=False),
        sa.Column('state', S(length=12), nullable=False),
        sa.Column('reason', S(length=1000), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=True),
        sa.Column('passed_from_team_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('updated_at', TS, nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['person.id'], ),
        sa.ForeignKeyConstraint(['passed_from_team_id'], ['team.id'], ),
        sa.ForeignKeyConstraint(['team_id'], ['team.id'], ),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('idea', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idea_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_idea_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_idea_team_id'), ['team_id'], unique=False)


def downgrade():
    with op.batch_alter_table('idea', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idea_team_id'))
        batch_op.drop_index(batch_op.f('ix_idea_author_id'))
        batch_op.drop_index(batch_op.f('ix_idea_action_id'))
    op.drop_table('idea')
