"""pg_trgm for "possible duplicates while typing" (``selectors.similar_ideas``).

Only on PostgreSQL: ``CreateExtension`` does nothing on other databases, where the simpler
word match in ``selectors.similar_ideas`` is used. No trigram index: the lookup compares the
titles of one process (found through its foreign-key index), a few thousand at most.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ideas", "0001_initial")]

    operations = [TrigramExtension()]
