"""The digest's outbox and the import batches move to their own apps (digest, portability).
Only Django's picture of the models changes here; their tables move with them in those apps'
first migrations, rows and all."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("relationships", "0007_captures_are_submissions")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="DigestOutbox"),
                migrations.DeleteModel(name="ImportBatch"),
            ],
        ),
    ]
