#!/usr/bin/env bash
# The whole consent-write comparison, samtycke and c15t in one run:
#   benchmarks/ledger/run_all.sh [LABEL] [DURATION=15s]
# c15t is copied from ../shared/bench/c15t and npm-installed in $C15T_DIR (default
# /tmp/c15t), outside this repository. Needs wrk, node, PostgreSQL at 127.0.0.1 with
# role c15t/c15t owning database c15t (see that folder's README).
set -euo pipefail
cd "$(dirname "$0")"
LABEL=${1:-run}; DUR=${2:-15s}
C15T=${C15T_DIR:-/tmp/c15t}
SHARED=$(cd ../../.. && pwd)/shared/bench/c15t
if [ ! -d "$C15T/node_modules" ]; then
  mkdir -p "$C15T" && cp -r "$SHARED"/. "$C15T"/ && (cd "$C15T" && npm install --no-audit --no-fund)
fi
c15t() { (cd "$C15T" && ./bench.sh "$1" "$LABEL" "$DUR" 32 2) | tail -4; cp -r "$C15T/results/$1-$LABEL" "results/c15t-$1-$LABEL"; }

mkdir -p results
c15t sqlite-wal
./bench.sh sqlite "$LABEL" "$DUR" | tail -5
PREFILL=1000000 ./bench.sh sqlite "$LABEL-1m" "$DUR" | tail -5
c15t postgres
./bench.sh postgres "$LABEL" "$DUR" | tail -5
PREFILL=1000000 ./bench.sh postgres "$LABEL-1m" "$DUR" | tail -5
../../.venv/bin/python summarise.py results "$LABEL"
