"""Where each person lives, as a place: "Munich" and "München" are one town.

The database itself resolves `city` to `place` on every insert, and on every update that sets
either, through `knotwork_place` (places migration 0002): the person form, capture, imports
(which write in bulk), the API and merge cannot miss it, nor can a stale `place` be written
back. The people already here are resolved once, below; a town the gazetteer does not know
keeps no place and is still found by its folded name.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Names are schema-qualified: a trigger runs under whatever search_path the writer has.
TRIGGER = """
CREATE FUNCTION person_place() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.place_id := public.knotwork_place(NEW.city);
  RETURN NEW;
END
$$;
CREATE TRIGGER person_place BEFORE INSERT OR UPDATE OF city, place_id ON contacts_person
FOR EACH ROW EXECUTE FUNCTION person_place();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0010_person_owner_and_id'),
        ('places', '0002_gazetteer'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='person',
            name='place',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='places.place'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(models.F('owner'), models.F('place'), name='person_place'),
        ),
        migrations.RunSQL(TRIGGER, "DROP TRIGGER person_place ON contacts_person; DROP FUNCTION person_place()"),
        migrations.RunSQL(
            "UPDATE contacts_person SET place_id = knotwork_place(city) WHERE city <> ''",
            migrations.RunSQL.noop,
        ),
    ]
