#!/usr/bin/env bash
# Installs the Debian packages Pennant's build, tests and demo need (compilers, libraries, gRPC,
# Prometheus, clang tools, iproute2 for the data plane's network namespace), and checks that Go is
# there for the test bed's Go builds. Idempotent: packages already present are not reinstalled.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates openssl
  libcurl4-openssl-dev libssl-dev nlohmann-json3-dev libyaml-cpp-dev
  libspdlog-dev libfmt-dev libcli11-dev libabsl-dev prometheus-cpp-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  clang libclang-rt-14-dev clang-format clang-tidy
  libcpp-httplib-dev prometheus ccache
  zlib1g-dev libjemalloc-dev
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  iproute2 python3-yaml curl
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
