"""Text compared the way people read it: "café" is "cafe", "Tomás" is "Tomas".

- knotwork_fold(text): lower case without accents, immutable so indexes can use it.
- knotwork_english and knotwork_german: the two languages' full-text configurations with
  unaccent before the stemmer, for every search vector and query.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

FOLD = """
CREATE FUNCTION knotwork_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN lower(public.unaccent('public.unaccent'::regdictionary, $1))
"""
CONFIGURATIONS = """
CREATE TEXT SEARCH CONFIGURATION knotwork_{language} (COPY = pg_catalog.{language});
ALTER TEXT SEARCH CONFIGURATION knotwork_{language}
    ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, {language}_stem;
"""


class Migration(migrations.Migration):
    dependencies = [("common", "0001_submission")]

    operations = [
        UnaccentExtension(),
        migrations.RunSQL(FOLD, "DROP FUNCTION knotwork_fold(text)"),
        *(
            migrations.RunSQL(
                CONFIGURATIONS.format(language=language),
                f"DROP TEXT SEARCH CONFIGURATION knotwork_{language}",
            )
            for language in ("english", "german")
        ),
    ]
