# syntax=docker/dockerfile:1
# Homeward: the API and the PWA in one image. Configured only by HOMEWARD_* environment
# variables (README, "Configuration"); at start it applies the migrations and seeds the
# shipped content (both idempotent), then serves. docs/DEPLOYMENT.md shows how to run it.

# --- build: the dependencies and Homeward into a virtual environment ------------------------
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /srv/homeward
COPY pyproject.toml README.md ./
COPY app ./app
# Editable: the code, migrations, catalogs and frontend stay together under /srv/homeward,
# where the runtime stage puts them at the same path.
RUN python -m venv /opt/homeward \
    && /opt/homeward/bin/pip install --no-cache-dir -e .

# --- runtime: no compilers, no pip cache, an unprivileged user ------------------------------
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/homeward/bin:$PATH \
    HOMEWARD_HOST=0.0.0.0 \
    HOMEWARD_PORT=8000 \
    HOMEWARD_ENVIRONMENT=production \
    HOMEWARD_DATABASE_URL=sqlite:////data/homeward.db
RUN useradd --system --uid 10001 --no-create-home --home-dir /srv/homeward \
        --shell /usr/sbin/nologin homeward \
    && mkdir -p /data \
    && chown homeward:homeward /data
WORKDIR /srv/homeward
COPY --from=build /opt/homeward /opt/homeward
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY frontend ./frontend
COPY locales ./locales
USER 10001
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('HOMEWARD_PORT', '8000'), timeout=4)"]
# Migrations and the (idempotent) seed at every start, then the server (HOMEWARD_WORKERS
# processes) as PID 1's only child, so that it receives the container's stop signal.
CMD ["sh", "-c", "homeward db upgrade && homeward seed && exec homeward serve"]
