#!/usr/bin/env bash
# Installs the CNCF distribution registry (Debian package `docker-registry`)
# that tests/test_images_registry.py runs on a loopback port.
# Idempotent: does nothing when /usr/bin/docker-registry is already there.
set -euo pipefail

if [ -x /usr/bin/docker-registry ]; then
  echo "docker-registry already installed: $(/usr/bin/docker-registry --version 2>/dev/null || echo present)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# --no-install-recommends: we only need the binary, not apache2-utils and friends.
$SUDO apt-get install -y -q --no-install-recommends docker-registry

# The package enables a system service on port 5000; the tests start their own
# registry on a free port, so a running system service is harmless but useless.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
  $SUDO systemctl stop docker-registry || true
fi

/usr/bin/docker-registry --version || true
