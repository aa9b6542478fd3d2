"""A muscle's two keys become one: (owner, person) must be one of the owner's people. The
database checks one key a row instead of two, and a muscle can no longer sit in another account
than its person's."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0010_person_owner_and_id"),
        ("relationships", "0008_digest_and_imports_move_out"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="muscle",
            name="owner",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="muscle",
            name="person",
            field=models.OneToOneField(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                serialize=False,
                to="contacts.person",
            ),
        ),
        migrations.RunSQL(
            sql=(
                'ALTER TABLE "relationships_muscle" ADD CONSTRAINT "muscle_same_owner" '
                'FOREIGN KEY ("owner_id", "person_id") '
                'REFERENCES "contacts_person" ("owner_id", "id") '
                "DEFERRABLE INITIALLY DEFERRED"
            ),
            reverse_sql='ALTER TABLE "relationships_muscle" DROP CONSTRAINT "muscle_same_owner"',
        ),
    ]
