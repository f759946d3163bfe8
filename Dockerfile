# LaunchForge images, one Dockerfile for the three services. Build context:
# the repository root; SERVICE (gateway, auth or core) picks the service.
#   docker build --build-arg SERVICE=core -t launchforge/core:dev .
# (deploy/build-images.sh does this for each service.) Air-gapped sites pass
# their own base: --build-arg BASE_IMAGE=... (see deploy/base-images.sh);
# behind a TLS-inspecting proxy pass its CA bundle:
# --secret id=ca_bundle,src=/etc/ssl/certs/ca-certificates.crt
#
# What differs between the services lives in the `sources-<service>` and
# `runtime-<service>` stages below; `FROM sources-${SERVICE}` picks one
# (BuildKit and buildah build only the stages the target needs).
ARG BASE_IMAGE=python:3.11-slim
ARG SERVICE

# ---- deps: a venv with the service's locked dependencies
FROM ${BASE_IMAGE} AS deps
ARG SERVICE
ARG UV_VERSION=0.13.9
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NATIVE_TLS=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=python3 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
RUN case "${SERVICE}" in gateway|auth|core) ;; \
      *) echo "build with --build-arg SERVICE=gateway|auth|core (got '${SERVICE}')" >&2; exit 2;; \
    esac
# uv from PyPI by pinned pip (no COPY --from an image registry); it lives in
# /opt/uv of the build stages only.
RUN --mount=type=secret,id=ca_bundle,target=/run/secrets/ca_bundle \
    if [ -s /run/secrets/ca_bundle ]; then export PIP_CERT=/run/secrets/ca_bundle; fi \
 && python3 -m venv /opt/uv \
 && /opt/uv/bin/pip install --quiet "uv==${UV_VERSION}"
WORKDIR /app
# Dependencies first: this layer changes only with the lockfile.
COPY uv.lock pyproject.toml ./
COPY libs/common/pyproject.toml libs/common/
COPY services/gateway/pyproject.toml services/gateway/
COPY services/auth/pyproject.toml services/auth/
COPY services/core/pyproject.toml services/core/
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=secret,id=ca_bundle,target=/run/secrets/ca_bundle \
    if [ -s /run/secrets/ca_bundle ]; then export SSL_CERT_FILE=/run/secrets/ca_bundle; fi \
 && /opt/uv/bin/uv sync --frozen --no-dev --no-install-workspace --package "launchforge-${SERVICE}"

# ---- the files a service ships besides its package
# The built web app (`make web`; `make images` runs it first): the gateway
# serves it, so a deployed platform has its UI and not only its API. Built
# outside the image: npm and node stay out of every layer, and the same
# web/dist the browser suite tested is what ships.
FROM deps AS sources-gateway
COPY web/dist web/dist

# auth and core: their migrations, found next to the package as in a checkout.
FROM deps AS sources-auth
COPY services/auth/alembic services/auth/alembic
COPY services/auth/alembic.ini services/auth/

FROM deps AS sources-core
COPY services/core/alembic services/core/alembic
COPY services/core/alembic.ini services/core/

# ---- build: the workspace sources, installed editable so the service finds
# its files (alembic.ini, migrations) next to its package, as in a checkout.
FROM sources-${SERVICE} AS build
ARG SERVICE
COPY libs/common/src libs/common/src
COPY services/${SERVICE}/src services/${SERVICE}/src
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=secret,id=ca_bundle,target=/run/secrets/ca_bundle \
    if [ -s /run/secrets/ca_bundle ]; then export SSL_CERT_FILE=/run/secrets/ca_bundle; fi \
 && /opt/uv/bin/uv sync --frozen --no-dev --package "launchforge-${SERVICE}" \
 && /app/.venv/bin/python -m compileall -q libs/common/src "services/${SERVICE}/src"

# ---- runtime: the base image plus /app, no uv, pip caches or compilers
FROM ${BASE_IMAGE} AS runtime-base
# Fixed uid/gid so Kubernetes' runAsUser and volume ownership are stable.
RUN groupadd --gid 10001 launchforge \
 && useradd --uid 10001 --gid 10001 --home-dir /tmp --no-create-home \
      --shell /usr/sbin/nologin launchforge

FROM runtime-base AS runtime-gateway
ENV GATEWAY_HOST=0.0.0.0 \
    GATEWAY_WEB_DIST=/app/web/dist
LABEL org.opencontainers.image.title="launchforge-gateway" \
      org.opencontainers.image.description="LaunchForge gateway: the public edge proxy"
EXPOSE 8000

FROM runtime-base AS runtime-auth
ENV AUTH_HOST=0.0.0.0
LABEL org.opencontainers.image.title="launchforge-auth" \
      org.opencontainers.image.description="LaunchForge auth: accounts, tokens, JWKS"
EXPOSE 8001

FROM runtime-base AS runtime-core
# bubblewrap: the worker runs each build's generated code in a sandbox of its
# own (README "Security"); setpriv (util-linux) is in the base already.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends bubblewrap \
 && rm -rf /var/lib/apt/lists/*
ENV CORE_HOST=0.0.0.0
LABEL org.opencontainers.image.title="launchforge-core" \
      org.opencontainers.image.description="LaunchForge core: projects, builds and the build worker"
EXPOSE 8002

FROM runtime-${SERVICE} AS runtime
ARG SERVICE
# Owner of /app: root (read-only for the service). Only `skaffold dev`'s
# file sync builds with APP_OWNER=10001, so synced sources can be written.
ARG APP_OWNER=0
COPY --from=build --chown=${APP_OWNER}:${APP_OWNER} /app /app
# An exec-form ENTRYPOINT does not expand build args: one fixed name for the
# service's command (launchforge-gateway, -auth or -core, also on PATH).
RUN ln -s "/app/.venv/bin/launchforge-${SERVICE}" /usr/local/bin/launchforge-service
# Read-only root filesystem: nothing writes bytecode or caches; /tmp (an
# emptyDir or tmpfs) is the only writable path and HOME.
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp \
    TMPDIR=/tmp
WORKDIR /app
# Metadata last: its build-time values change every build and would
# otherwise invalidate the cached layers above.
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=""
LABEL org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.vendor="LaunchForge"
USER 10001:10001
ENTRYPOINT ["launchforge-service"]
CMD ["serve"]
