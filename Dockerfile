# MIQUA application image: the web process (default command), the Celery worker and beat.
# Debian trixie: its PostgreSQL client tools (17) match docker-compose.yml's postgres:17, so
# `manage.py backup` and `restore` work inside the container (README, "Backups").
FROM python:3.11-slim-trixie

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH

# WeasyPrint renders the PDFs with Pango; DejaVu gives it a font with the German characters.
# pg_dump, pg_restore and psql make and restore the backups.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so that a change to the code alone reuses this layer.
# requirements.lock pins every runtime dependency by version and hash (no test tools).
COPY requirements.lock ./
RUN python -m venv /opt/venv \
    && pip install --no-cache-dir --require-hashes --no-deps -r requirements.lock

COPY . .

# Translations and static files belong to the image: every container gets the same ones.
RUN python manage.py compiletranslations \
    && DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 --home-dir /app --no-create-home miqua \
    && mkdir -p /app/var/media /app/var/backups \
    && chown -R miqua:miqua /app/var

USER miqua
EXPOSE 8000

CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn miqua.wsgi:application --bind 0.0.0.0:8000 --workers 3 --access-logfile -"]
