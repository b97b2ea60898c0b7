# Switchboard's HTTP API as one image.
# PostgreSQL and Kafka are not in it: point DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS at
# running ones (docker-compose.yml does); without them `serve` exits with a one-line error,
# as the embedded services are for one machine, not for a container.
# Build: docker build -t switchboard .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Only what the package build needs, so a local .venv or caches never reach the image.
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY contact_center ./contact_center
COPY projections ./projections
COPY adapters ./adapters
COPY api ./api
# The default gamification rules, found relative to the working directory.
COPY config ./config
RUN pip install . \
    && useradd --system --create-home --home-dir /home/switchboard --uid 10001 switchboard

USER switchboard

EXPOSE 8000

HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=5 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"]

CMD ["switchboard", "serve", "--host", "0.0.0.0"]
