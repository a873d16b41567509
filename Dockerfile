# evalmock: a local emulator of LLM-evaluation platform APIs.
#
#   docker build -t evalmock .                       # builds from source in the Swift image
#   docker run -p 4010:4010 -v evalmock-data:/data evalmock
#
# Targets: `runtime` (default, binary from the `build` stage) and `runtime-local` (binary from
# the build context at evalmock-binary, for `docker/check`, which builds here without a registry).

ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# ---- build: release binary with the Swift stdlib linked in statically -------------------------
FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libevent-dev libsqlite3-dev libmimalloc-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
RUN swift build -c release --product evalmock --static-swift-stdlib \
    && install -m 0755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/evalmock" /usr/local/bin/evalmock

# ---- runtime-base: slim Debian with only the shared libraries the binary needs -----------------
FROM ${RUNTIME_IMAGE} AS runtime-base
RUN apt-get update \
    && apt-get install -y --no-install-recommends libevent-2.1-7 libevent-pthreads-2.1-7 libsqlite3-0 libmimalloc2.0 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 10001 evalmock \
    && useradd --uid 10001 --gid evalmock --no-create-home --home-dir /data --shell /usr/sbin/nologin evalmock \
    && mkdir -p /data \
    && chown evalmock:evalmock /data
COPY openapi /usr/share/evalmock/openapi
COPY fixtures /usr/share/evalmock/fixtures
# Every setting of `evalmock serve` has an environment variable; these are the container's
# defaults. EVALMOCK_API_KEYS, EVALMOCK_FIXTURES (e.g. /usr/share/evalmock/fixtures),
# EVALMOCK_LENIENT and the limits can be set at `docker run -e ...`.
ENV EVALMOCK_HOST=0.0.0.0 \
    EVALMOCK_PORT=4010 \
    EVALMOCK_DB=/data/evalmock.db \
    EVALMOCK_OPENAPI_DIR=/usr/share/evalmock/openapi \
    EVALMOCK_LOG_LEVEL=info \
    EVALMOCK_LOG_FORMAT=text
VOLUME ["/data"]
WORKDIR /data
EXPOSE 4010
HEALTHCHECK --interval=1s --timeout=2s --start-period=2s --retries=3 CMD ["evalmock", "health"]
ENTRYPOINT ["evalmock"]
CMD ["serve"]

# ---- runtime-local: the runtime image around a binary built outside Docker ---------------------
FROM runtime-base AS runtime-local
COPY --chmod=0755 evalmock-binary /usr/local/bin/evalmock
USER 10001
# The image proves itself while it is built: the binary starts as the non-root user, on a
# database in the /data volume's directory, and answers its health endpoint with a 200.
# (`kill` here stops the server this step started, not a container's process.)
# hadolint ignore=DL3001
RUN evalmock serve --port 4010 --db /data/check.db --log-level warning > /tmp/serve.log 2>&1 & \
    server=$!; \
    for _ in $(seq 1 50); do evalmock health --port 4010 >/dev/null 2>&1 && break; sleep 0.1; done; \
    evalmock health --port 4010; healthy=$?; \
    kill -TERM "$server"; wait "$server"; \
    rm -f /data/check.db /tmp/serve.log; \
    exit "$healthy"

# ---- runtime (default): the runtime image around the binary of the build stage -----------------
FROM runtime-base AS runtime
COPY --from=build /usr/local/bin/evalmock /usr/local/bin/evalmock
USER 10001
