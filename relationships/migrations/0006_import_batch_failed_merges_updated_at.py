import django.contrib.postgres.fields
import django.utils.timezone
from django.db import migrations, models


def stop_batches_in_the_old_format(apps, schema_editor):
    """Previews made by the earlier reader hold entries in a shape this one does not read. Each
    batch is kept, without those entries; one not yet imported shows as stopped, for the user
    to discard or upload again (the periodic tidy removes it after a day)."""
    batches = apps.get_model("relationships", "ImportBatch").objects.all()
    batches.update(candidates=[])
    batches.exclude(status="done").update(status="failed")


class Migration(migrations.Migration):

    dependencies = [
        ('relationships', '0005_muscle_heap_only_updates'),
    ]

    operations = [
        migrations.AlterField(
            model_name='importbatch',
            name='status',
            field=models.CharField(choices=[('reading', 'Reading'), ('preview', 'Preview'), ('importing', 'Importing'), ('done', 'Done'), ('failed', 'Failed')], default='reading', max_length=10),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='error',
            field=models.CharField(blank=True, help_text='Why it failed, for the user.', max_length=300),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='merges',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.PositiveIntegerField(), blank=True, default=list, help_text='The entries, by position, that the user chose to merge into the person of the same name instead of creating someone new.', size=None),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, help_text='Moves with every step.'),
            preserve_default=False,
        ),
        migrations.RunPython(stop_batches_in_the_old_format, migrations.RunPython.noop),
    ]
