# Servicedesk production image: gunicorn for the web, the same image for Celery.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SERVICEDESK_VAR_DIR=/app/var

# WeasyPrint needs Pango; Chinese text in PDFs needs a CJK font; msgfmt compiles catalogues.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk gettext curl \
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
COPY templates ./templates
COPY static ./static
COPY locale ./locale
COPY manage.py ./
RUN pip install --no-cache-dir . \
 && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput \
 && useradd --system --uid 1000 --home /app servicedesk \
 && mkdir -p /app/var/media && chown -R servicedesk /app/var

USER servicedesk
EXPOSE 8000
CMD ["gunicorn", "servicedesk.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
