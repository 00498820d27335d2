# The xigao service, built from this repository: nothing but the package registries is needed
# to build it, and nothing is downloaded when it runs (the embedding models are built into the
# image from the weights inside pip packages, see models/README.md).
#
#   docker build -t xigao .
#   docker run -p 8000:8000 -v "$PWD/demo-out/index:/data/index" -e XIGAO_TOKEN=s3cret xigao
#
# or `docker compose up` (compose.yaml). Settings: XIGAO_* variables (XIGAO_INDEX, XIGAO_TOKEN,
# XIGAO_THREADS, ...) or a TOML file passed with --config; see `xigao serve --help`.
FROM python:3.11-slim

# the CPU build of torch (the default index would pull the multi-GB CUDA one)
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ENV PIP_NO_CACHE_DIR=1 PYTHONUNBUFFERED=1 XIGAO_MODEL_DIR=/opt/xigao/models

WORKDIR /opt/xigao
RUN pip install --index-url "$TORCH_INDEX_URL" torch==2.13.0
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install '.[embed,serve]' \
 && python -c "from xigao.embed import get_encoder; get_encoder('static')" \
 && useradd --system --home /opt/xigao xigao && mkdir -p /data && chown xigao /data

USER xigao
VOLUME /data
ENV XIGAO_INDEX=/data/index XIGAO_HOST=0.0.0.0 XIGAO_PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/v1/health', timeout=4)" || exit 1
CMD ["xigao", "serve"]
