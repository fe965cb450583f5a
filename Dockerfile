# One image for every marsad role (workers, beat, flower, migrations).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# Point PIP_EXTRA_INDEX_URL at a CPU-only PyTorch wheel index when building for servers
# without GPUs; the default PyPI torch wheel for Linux carries CUDA (several GB).
ARG PIP_EXTRA_INDEX_URL=""
WORKDIR /app
RUN pip install "torch==2.13.0"
COPY pyproject.toml README.md ./
COPY marsad ./marsad
COPY worker ./worker
COPY tasks ./tasks
COPY schemas ./schemas
COPY migrations ./migrations
RUN pip install . && useradd --create-home marsad
USER marsad
CMD ["marsad", "--help"]
