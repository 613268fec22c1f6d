"""Back up the PostgreSQL database, restore it into a fresh database, compare row counts.

    DATABASE_URL=postgres://... python scripts/backup_restore_check.py [--keep FILE]

Exits 0 when every table has the same number of rows in the original and in the restore.
Uses pg_dump/pg_restore/createdb/dropdb from PATH (Debian: /usr/bin, the version wrapper).
"""

import argparse
import os
import subprocess
import sys
import tempfile
from urllib.parse import urlparse, urlunparse

import psycopg


def _with_db(url: str, name: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{name}"))


def row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from pg_tables
            counts[table] = cursor.fetchone()[0]
        return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--keep", help="keep the dump at this path")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        print("DATABASE_URL must point to PostgreSQL", file=sys.stderr)
        return 2
    source = args.database_url
    name = urlparse(source).path.lstrip("/")
    target_name = f"{name}_restorecheck"
    target = _with_db(source, target_name)
    admin = _with_db(source, "postgres")
    with tempfile.TemporaryDirectory() as folder:
        dump = args.keep or os.path.join(folder, "backup.dump")
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source], check=True
        )
        subprocess.run(
            ["dropdb", "--if-exists", f"--maintenance-db={admin}", target_name], check=True
        )
        subprocess.run(["createdb", f"--maintenance-db={admin}", target_name], check=True)
        try:
            subprocess.run(
                ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target}", dump],
                check=True,
            )
            before, after = row_counts(source), row_counts(target)
        finally:
            subprocess.run(
                ["dropdb", "--if-exists", f"--maintenance-db={admin}", target_name], check=True
            )
    differences = {
        t: (before.get(t), after.get(t))
        for t in before.keys() | after.keys()
        if before.get(t) != after.get(t)
    }
    total = sum(before.values())
    if differences:
        for table, (was, restored) in sorted(differences.items()):
            print(f"DIFFERENT {table}: original {was}, restored {restored}")
        return 1
    print(f"restore check ok: {len(before)} tables, {total} rows, identical counts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
