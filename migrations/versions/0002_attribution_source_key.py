"""attributions.source_key: folded source words for `marsad articles --cited`

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("attributions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_key", sa.Text(), server_default="", nullable=False))
    # Backfill rows stored before this revision with the key new rows get at insert time.
    from marsad.ner.canonical import phrase_key

    table = sa.table("attributions", sa.column("id", sa.BigInteger()),
                     sa.column("source", sa.Text()), sa.column("source_key", sa.Text()))
    conn = op.get_bind()
    rows = conn.execute(sa.select(table.c.id, table.c.source)).all()
    update = (table.update().where(table.c.id == sa.bindparam("row_id"))
              .values(source_key=sa.bindparam("key")))
    for i in range(0, len(rows), _BATCH):
        conn.execute(update, [{"row_id": r.id, "key": phrase_key(r.source)}
                              for r in rows[i : i + _BATCH]])


def downgrade() -> None:
    with op.batch_alter_table("attributions", schema=None) as batch_op:
        batch_op.drop_column("source_key")
