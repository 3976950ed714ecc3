#!/usr/bin/env bash
# Installs everything Pennant needs from Debian's package registry and configures the build.
# Idempotent: packages already present are not reinstalled, `apt-get update` runs at most once
# per machine boot (marker under /var/lib/apt/lists).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates openssl
  libcurl4-openssl-dev libssl-dev nlohmann-json3-dev libyaml-cpp-dev
  libspdlog-dev libfmt-dev libcli11-dev libabsl-dev prometheus-cpp-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  clang libclang-rt-14-dev clang-format clang-tidy
  libcpp-httplib-dev prometheus ccache
  zlib1g-dev libjemalloc-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all Debian packages present"
fi

# The test control plane is built from Go modules that need Go >= 1.24 (the machine's own Go;
# Debian's golang-go is too old for them).
if ! command -v go >/dev/null 2>&1; then
  echo "setup: Go >= 1.24 is required to build the test control plane (test/cluster)" >&2
  exit 1
fi
