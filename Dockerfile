# Homeward API + PWA. Migrations run at start; the content is seeded idempotently.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    HOMEWARD_HOST=0.0.0.0 HOMEWARD_PORT=8000 HOMEWARD_ENVIRONMENT=production \
    HOMEWARD_DATABASE_URL=sqlite:////data/homeward.db

WORKDIR /srv/homeward
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY frontend ./frontend
COPY locales ./locales
# Editable install: the code, migrations and frontend stay together under /srv/homeward.
RUN pip install --no-cache-dir -e . \
    && useradd --system --home /srv/homeward homeward \
    && mkdir -p /data && chown homeward /data

USER homeward
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["sh", "-c", "homeward db upgrade && homeward seed && homeward serve"]
