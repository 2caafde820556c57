"""deleted actions keep their id: SQLite never hands a deleted card's id to a new card

A deleted card stays in the activity log under its id, and "Ongedaan maken" restores it
with that id. SQLite without AUTOINCREMENT reuses the highest id after a delete, so a new
card would take over the deleted card's history (and block its undo). The `action` table is
rebuilt with AUTOINCREMENT on SQLite; PostgreSQL's sequences never reuse ids (no change).

Revision ID: 0011
Revises: 0005
Create Date: 2026-11-25 06:10:00
"""
from alembic import op


revision = '0011'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_context().dialect.name != "sqlite":
        return
    with op.batch_alter_table("action", recreate="always",
                              table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.alter_column("id", autoincrement=True)


def downgrade():
    if op.get_context().dialect.name != "sqlite":
        return
    with op.batch_alter_table("action", recreate="always") as batch:
        batch.alter_column("id", autoincrement=True)
