"""Version 1 of the consent on the contact form, as the form showed it before versioning."""

from django.db import migrations


def seed(apps, schema_editor):
    ConsentText = apps.get_model("privacy", "ConsentText")
    ConsentText.objects.get_or_create(
        kind="quartier-contact",
        version=1,
        defaults={
            "text_de": "Ich bin einverstanden, dass das Büroteam meine Angaben verarbeitet, um "
            "mein Anliegen zu beantworten. Sie werden spätestens nach sechs Monaten gelöscht.",
            "text_en": "I agree that the office team processes my details to answer my "
            "concern. They are deleted after six months at the latest.",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("quartier", "0001_initial"), ("privacy", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
