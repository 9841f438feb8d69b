# syntax=docker/dockerfile:1
#
# One multi-stage build for every douyin binary.
#
#   docker build -t douyin:v0.1.0 .                      # gateway, user, interaction, message, douyin
#   docker build -t douyin-video:v0.1.0 --target video . # the same binaries + ffmpeg/ffprobe
#
# The video service shells out to ffmpeg/ffprobe (cmd/video/media), so only its
# image carries them; everything else stays small. docker-compose.yml and
# deploy/k8s use exactly these two targets.

# Exactly go.mod's go line (the deploy tests check it): a floating tag
# would build with whatever patch release the registry has that day.
ARG GO_VERSION=1.26.8
ARG DEBIAN_RELEASE=bookworm

# ---------------------------------------------------------------- build
FROM golang:${GO_VERSION}-${DEBIAN_RELEASE} AS build
WORKDIR /src
# Modules first, so editing code does not re-download them.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY . .
# Pure Go (SQLite is the cgo-free glebarez driver), so the binaries are
# static and run on any base image.
ENV CGO_ENABLED=0
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags='-s -w' -o /out/ \
      ./cmd/gateway ./cmd/user ./cmd/video ./cmd/interaction ./cmd/message ./cmd/douyin

# ---------------------------------------------------------------- base
# What every image needs at run time: CA roots (TLS to S3/Kafka/etcd),
# tzdata (the interaction service loads a named time zone) and curl for
# the container health checks against the admin port's /readyz.
FROM debian:${DEBIAN_RELEASE}-slim AS base
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates tzdata curl \
 && rm -rf /var/lib/apt/lists/*
# Fixed non-root uid/gid, matched by runAsUser in deploy/k8s. The home
# directory is the working directory, so the default data_dir (./data) is
# writable if a process ever needs it.
RUN groupadd --system --gid 10001 douyin \
 && useradd --system --uid 10001 --gid douyin --home-dir /var/lib/douyin --create-home --shell /usr/sbin/nologin douyin
WORKDIR /var/lib/douyin
# Kitex ports of user/video/interaction/message, gateway HTTP, admin.
EXPOSE 8881 8882 8883 8884 8080 9090

# ---------------------------------------------------------------- video
# The video service's image: base + ffmpeg (a large layer, hence its own
# target). Binaries are copied last so code changes keep this layer cached.
FROM base AS video
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/ /usr/local/bin/
USER 10001:10001
CMD ["video"]

# ---------------------------------------------------------------- runtime
# The default target (last stage): every binary, no ffmpeg. Pick the
# binary with the container command (gateway, user, interaction, message,
# or douyin for the all-in-one process).
FROM base AS runtime
COPY --from=build /out/ /usr/local/bin/
USER 10001:10001
CMD ["gateway"]
