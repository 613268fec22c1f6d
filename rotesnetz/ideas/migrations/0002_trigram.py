"""pg_trgm for "possible duplicates while typing": the extension and a trigram index on titles.

Only on PostgreSQL; other databases (SQLite for a quick start) use the simpler word match in
``selectors.similar_ideas`` and skip both steps.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "ideas_idea_title_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON ideas_idea USING gin (title gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("ideas", "0001_initial")]

    operations = [
        # CreateExtension does nothing on databases other than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
