#!/usr/bin/env bash
# Installs what opsdeck's build, tests and benchmarks need, and skips what is
# already present. Safe to run any number of times (make run / make test call it).
#   scripts/setup.sh            Debian packages + npm assets
#   SETUP_SKIP_APT=1            skip the Debian part (e.g. on a prepared image)
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config git ca-certificates curl openssl
  # libraries (ENGINEERING.md "Stack")
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libyaml-cpp-dev libspdlog-dev libfmt-dev libcli11-dev
  libsqlite3-dev libpq-dev libssl-dev libsodium-dev libcurl4-openssl-dev
  libhowardhinnant-date-dev libkainjow-mustache-dev
  # the monitor's asynchronous DNS
  libc-ares-dev
  # the opsdeck binary's allocator (src/app/CMakeLists.txt)
  libtcmalloc-minimal4
  # tests: GoogleTest, a real PostgreSQL server, browser tests
  libgtest-dev libgmock-dev postgresql-15 chromium
  # benchmarks: the peers run beside opsdeck
  libbenchmark-dev nginx-light wrk prometheus-alertmanager
  # fuzzing (scripts/fuzz.sh): clang with libFuzzer and the sanitizer runtimes,
  # llvm-symbolizer for readable crash stacks
  clang-14 libclang-rt-14-dev llvm-14
)

missing=()
# Node.js and npm: any install that provides the commands will do (this kind of
# machine ships nodesource's nodejs, which bundles npm and conflicts with Debian's npm).
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
for p in "${APT_PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$status" == installed ]] || missing+=("$p")
done

if [[ ${#missing[@]} -gt 0 && -z "${SETUP_SKIP_APT:-}" ]]; then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
  fi
  # Package scripts must not start system services (nginx, postgresql): the
  # tests and benchmarks start their own instances on loopback.
  added_policy=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    added_policy=1
  fi
  trap '[[ -n "$added_policy" ]] && $SUDO rm -f /usr/sbin/policy-rc.d' EXIT
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: Debian packages present"
fi

# npm assets (pinned by package-lock.json): installed again only when the lock changed.
if [[ -f package-lock.json ]]; then
  stamp=node_modules/.opsdeck-lock.sha256
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "setup: npm assets present"
  else
    echo "setup: installing npm assets"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" >"$stamp"
  fi
fi
