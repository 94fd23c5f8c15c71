# Multi-stage build: mattn/go-sqlite3 needs cgo, so both stages are Debian (glibc).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/ketanmu ./cmd/ketanmu

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /data ketanmu \
 && mkdir -p /data /backups /etc/ketanmu && chown ketanmu /data /backups && chmod 0700 /data /backups
COPY --from=build /out/ketanmu /usr/local/bin/ketanmu
COPY config.example.yaml /etc/ketanmu/config.example.yaml
USER ketanmu
VOLUME /data /backups
ENV KETANMU_STORAGE_DATA_DIR=/data KETANMU_BACKUP_DIR=/backups KETANMU_HTTP_ADDR=0.0.0.0:8080
EXPOSE 8080
WORKDIR /data
# Mount your config at /etc/ketanmu/config.yaml; pair numbers first with
#   docker run -it -v ketanmu-data:/data IMAGE pair --account KEY --config /etc/ketanmu/config.yaml
ENTRYPOINT ["ketanmu"]
CMD ["serve", "--config", "/etc/ketanmu/config.yaml"]
