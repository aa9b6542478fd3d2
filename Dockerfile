# Production image: gunicorn serves the app, whitenoise the static files.
FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/venv UV_COMPILE_BYTECODE=1
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-install-project
COPY . .
ENV PATH=/venv/bin:$PATH DEBUG=0
# collectstatic reads the settings but never connects: any DATABASE_URL will do here.
RUN SECRET_KEY=build-only DATABASE_URL=postgresql://build@localhost/build python manage.py collectstatic --noinput
RUN useradd --system knotwork
# The photos' volume starts from this folder, so it belongs to the app's user.
RUN mkdir -p /data/media && chown knotwork /data/media
USER knotwork
EXPOSE 8000
CMD ["gunicorn", "knotwork.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
