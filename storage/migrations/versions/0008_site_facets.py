"""site facets: the SQLite index's `facets` also hold each article's site level and place

Every site, level and region filter becomes one term of the FTS5 MATCH instead of an OR over the sites of a
region (read from the sites table on every query): measured at 100,000 articles, a region filter went from
1.3x to about the unfiltered time. Both backends' index tables are filled here (0002 and 0007 leave them
empty); rebuilding tokenises every article again, about 100 s per 100,000 articles on SQLite.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from alembic import op

from storage.search import FTS_TABLE, add_rows, index_rows, rebuild_on

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rebuild_on(op.get_bind())


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return  # PostgreSQL's index is unchanged
    # A contentless FTS5 table forgets a document only when told its exact tokens, so the index must hold
    # exactly 0007's facets: the site and the article's own region tags, no site level or place.
    op.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('delete-all')")
    add_rows(connection, ((*row[:6], None, None, None, None) for row in index_rows(connection)))
