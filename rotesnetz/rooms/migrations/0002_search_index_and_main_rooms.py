from django.conf import settings
from django.db import migrations

MAIN_ROOM_SUBTREE_KINDS = {"bundesverband", "landesverband", "unterbezirk", "kreisverband"}


def search_index(apps, schema_editor):
    # German full-text search; the expression matches what selectors.search_messages filters on.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS message_text_search ON rooms_message "
            "USING gin (to_tsvector('german'::regconfig, COALESCE(text, '')))"
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS message_text_search")


def main_rooms(apps, schema_editor):
    Gliederung = apps.get_model("members", "Gliederung")
    Room = apps.get_model("rooms", "Room")
    have = set(Room.objects.filter(is_main=True).values_list("gliederung_id", flat=True))
    Room.objects.bulk_create(
        [
            Room(
                gliederung=g,
                is_main=True,
                name=getattr(settings, "ROOM_MAIN_NAME", "Allgemein"),
                visibility="subtree" if g.kind in MAIN_ROOM_SUBTREE_KINDS else "members",
            )
            for g in Gliederung.objects.exclude(pk__in=have)
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("rooms", "0001_initial"), ("members", "0002_qualification")]

    operations = [
        migrations.RunPython(search_index, drop_search_index),
        migrations.RunPython(main_rooms, migrations.RunPython.noop),
    ]
