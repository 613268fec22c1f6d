"""Version 1 of the sign-up consent: the wording the form showed before it was versioned."""

from django.db import migrations


def seed(apps, schema_editor):
    ConsentText = apps.get_model("privacy", "ConsentText")
    ConsentText.objects.get_or_create(
        kind="signup-privacy",
        version=1,
        defaults={
            "text_de": "Ich habe den Datenschutzhinweis gelesen und bin einverstanden, dass "
            "meine Daten dafür verarbeitet werden.",
            "text_en": "I have read the privacy notice and agree that my data is processed "
            "for it.",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0002_seed_legal_pages")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
