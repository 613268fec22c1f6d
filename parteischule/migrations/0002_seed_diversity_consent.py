"""Version 1 of the diversity consent, as the form showed it before versioning."""

from django.db import migrations


def seed(apps, schema_editor):
    ConsentText = apps.get_model("privacy", "ConsentText")
    ConsentText.objects.get_or_create(
        kind="parteischule-diversity",
        version=1,
        defaults={
            "text_de": "Ich willige ein, dass die Parteischule diese Angaben speichert, um ihre "
            "Reichweite zu messen und reservierte Plätze anzubieten. Ich kann das jederzeit "
            "widerrufen; meine Angaben werden dann gelöscht.",
            "text_en": "I agree that the Parteischule stores these details to measure its "
            "reach and to offer reserved seats. I can revoke this at any time; my details are "
            "then deleted.",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("parteischule", "0001_initial"), ("privacy", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
