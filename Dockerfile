# Production image: the ASGI web process, the Celery worker and beat all run from it.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=/app/.venv PATH=/app/.venv/bin:$PATH \
    DJANGO_ENV=production

RUN apt-get update && apt-get install -y --no-install-recommends gettext curl \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv \
    && useradd --system --create-home --home-dir /app rotesnetz

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-install-project
COPY . .
# Build-time only values: the real ones come from the environment at run time.
RUN SECRET_KEY=build-only-build-only-build-only-build-only-build-only ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput -v 0 \
    && python manage.py compilemessages -v 0 --ignore=.venv \
    && chown -R rotesnetz /app
USER rotesnetz
EXPOSE 8000
# Only the proxy's address may set the client address (FORWARDED_ALLOW_IPS, read by uvicorn).
ENV FORWARDED_ALLOW_IPS=127.0.0.1
CMD ["uvicorn", "rotesnetz.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers", "--ws-max-size", "65536", "--ws-per-message-deflate", "false"]
