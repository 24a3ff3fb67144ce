# Partnership Assurance: one image for the web server, the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    VAR_DIR=/app/var

# WeasyPrint's libraries and a font with Arial's metrics; libpq is bundled with psycopg2-binary.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation fontconfig \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 app
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY --chown=app:app . .
# Static files are collected into the image and served by whitenoise with hashed names.
RUN SECRET_KEY=build-only-not-secret python manage.py collectstatic --no-input \
    && mkdir -p /app/var && chown -R app:app /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--forwarded-allow-ips", "*", "--access-logfile", "-"]
