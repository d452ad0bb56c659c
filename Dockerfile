# Servicedesk production image: gunicorn for the web, the same image for Celery.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SERVICEDESK_VAR_DIR=/app/var

# WeasyPrint needs Pango; Chinese text in PDFs needs a CJK font; msgfmt compiles catalogues.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk gettext curl \
 && rm -rf /var/lib/apt/lists/*

# Backups (issue 19): pg_dump/pg_restore of the server's major version (compose runs
# PostgreSQL 16; Debian 12 ships 15), from the PostgreSQL project's own repository.
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates gnupg \
 && curl -fsSL https://www.postgresql.org/media/keys/ACCC4CF8.asc \
    | gpg --dearmor -o /usr/share/keyrings/postgresql.gpg \
 && echo "deb [signed-by=/usr/share/keyrings/postgresql.gpg]" \
         "http://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
    > /etc/apt/sources.list.d/pgdg.list \
 && apt-get update && apt-get install -y --no-install-recommends postgresql-client-16 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY servicedesk ./servicedesk
COPY accounts ./accounts
COPY assets ./assets
COPY tickets ./tickets
COPY sla ./sla
COPY inspections ./inspections
COPY spareparts ./spareparts
COPY training ./training
COPY notifications ./notifications
COPY operations ./operations
COPY templates ./templates
COPY static ./static
COPY locale ./locale
COPY manage.py ./
RUN pip install --no-cache-dir . \
 && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput \
 && useradd --system --uid 1000 --home /app servicedesk \
 && mkdir -p /app/var/media /app/var/backups && chown -R servicedesk /app/var

USER servicedesk
EXPOSE 8000
CMD ["gunicorn", "servicedesk.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
