"""The privacy notice and imprint start with the text the templates showed before."""

from django.db import migrations

PAGES = [
    (
        "privacy",
        "de",
        "Datenschutzhinweis",
        "Die Mitgliedschaft in einer Partei verrät eine politische Meinung. Deshalb speichern "
        "wir so wenig wie möglich: deine E-Mail-Adresse, den Anzeigenamen, den du wählst, die "
        "Gliederungen, denen du angehörst, und was du in Räumen schreibst. Deine Mitgliedschaft "
        "sehen nur der Vorstand deiner Gliederung und die zuständigen Mitarbeiter*innen. Du "
        "kannst deine Daten jederzeit in deinem Konto ändern.",
    ),
    (
        "privacy",
        "en",
        "Privacy notice",
        "Membership of a party reveals a political opinion. We therefore store as little as "
        "possible: your email address, the display name you choose, the Gliederungen you belong "
        "to and what you write in rooms. Only the Vorstand of your Gliederung and the "
        "responsible staff can see your membership. You can change your data in your account "
        "at any time.",
    ),
    (
        "imprint",
        "de",
        "Impressum",
        "Das Impressum des betreibenden Landesverbands wird von dessen Administrator*innen "
        "gepflegt.",
    ),
    (
        "imprint",
        "en",
        "Imprint",
        "The imprint of the operating Landesverband is set by its administrators.",
    ),
]


def seed(apps, schema_editor):
    LegalPage = apps.get_model("privacy", "LegalPage")
    for kind, language, title, body in PAGES:
        LegalPage.objects.get_or_create(
            kind=kind, language=language, defaults={"title": title, "body": body}
        )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
