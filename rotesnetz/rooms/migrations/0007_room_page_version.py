from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rooms", "0006_moderation_log_details"),
    ]

    operations = [
        migrations.AddField(
            model_name="room",
            name="page_version",
            field=models.BigIntegerField(default=0, editable=False),
        ),
    ]
