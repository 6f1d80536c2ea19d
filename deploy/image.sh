#!/usr/bin/env bash
# Builds Oppslag's container image without Docker and without pulling
# anything: two static binaries (linux/amd64 and linux/arm64, CGO_ENABLED=0;
# the SQLite driver is pure Go), then `go run ./deploy/image` packs them on an
# empty base with this machine's CA bundle and a non-root user, as an OCI
# image layout tarball.
#
#   bash deploy/image.sh [OUT]          # default bin/oppslag-image.tar
#
# OPPSLAG_VERSION overrides the version (default: git describe). The
# creation time is the commit's (SOURCE_DATE_EPOCH when set), so the same
# commit gives the same image digests. Load it with
#   docker load -i bin/oppslag-image.tar     # or: podman load -i …
# or push it with
#   skopeo copy oci-archive:bin/oppslag-image.tar docker://REGISTRY/oppslag:VERSION
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-bin/oppslag-image.tar}
version=${OPPSLAG_VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || echo 0)
fi
export SOURCE_DATE_EPOCH

bindir=$(mktemp -d)
trap 'rm -rf "$bindir"' EXIT
bins=()
for arch in amd64 arm64; do
  CGO_ENABLED=0 GOOS=linux GOARCH=$arch go build -trimpath \
    -ldflags "-s -w -X main.version=$version -X main.revision=$revision" \
    -o "$bindir/$arch/oppslag" ./cmd/oppslag
  bins+=(-bin "linux/$arch=$bindir/$arch/oppslag")
done

go run ./deploy/image -out "$out" "${bins[@]}" \
  -certs /etc/ssl/certs/ca-certificates.crt -version "$version" -revision "$revision"
