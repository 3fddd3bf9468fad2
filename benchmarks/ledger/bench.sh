#!/usr/bin/env bash
# One samtycke consent-write benchmark run: fresh (or pre-filled) ledger, fresh server, wrk.
#   ./bench.sh sqlite|postgres LABEL [DURATION=15s] [CONNS=32] [THREADS=2]
# Env: PREFILL=N        start with N records already stored (built once, then copied)
#      WORKERS=N        server processes (default 1)
#      PORT=8791        where the server listens
#      PG_DB=samtycke_bench  the PostgreSQL database (made afresh, dropped after the run)
# Prints a summary and writes results/<config>-<label>/.
set -euo pipefail
cd "$(dirname "$0")"
HERE=$PWD
ROOT=$(cd ../.. && pwd)
PY=$ROOT/.venv/bin/python
CFG=$1; LABEL=$2; DUR=${3:-15s}; CONNS=${4:-32}; THREADS=${5:-2}
PORT=${PORT:-8791}; WORKERS=${WORKERS:-1}; PREFILL=${PREFILL:-0}; PG_DB=${PG_DB:-samtycke_bench}
DECL=$ROOT/examples/billogram/samtycke.toml
WORK=${BENCH_DIR:-/tmp/samtycke-bench}; mkdir -p "$WORK"
OUTDIR=$HERE/results/$CFG-$LABEL; mkdir -p "$OUTDIR"
PGADMIN=postgresql://postgres@127.0.0.1:5432/postgres

psql_admin() { psql -q "$PGADMIN" -c "$1"; }

case $CFG in
  sqlite)
    DB_FILE=$WORK/ledger.db; rm -f "$DB_FILE" "$DB_FILE"-wal "$DB_FILE"-shm "$DB_FILE".lock
    if [ "$PREFILL" != 0 ]; then
      TEMPLATE=$WORK/template-$PREFILL.db
      [ -f "$TEMPLATE" ] || "$PY" populate.py --db "sqlite:///$TEMPLATE" --declaration "$DECL" --records "$PREFILL"
      cp "$TEMPLATE" "$DB_FILE"
    fi
    DB=sqlite:///$DB_FILE ;;
  postgres)
    psql_admin "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)"
    if [ "$PREFILL" != 0 ]; then
      TEMPLATE=samtycke_bench_t$PREFILL
      if ! psql -qtA "$PGADMIN" -c "SELECT 1 FROM pg_database WHERE datname='$TEMPLATE'" | grep -q 1; then
        psql_admin "CREATE DATABASE $TEMPLATE"
        "$PY" populate.py --db "postgresql://postgres@127.0.0.1:5432/$TEMPLATE" --declaration "$DECL" --records "$PREFILL"
        psql -q "postgresql://postgres@127.0.0.1:5432/$TEMPLATE" -c "VACUUM ANALYZE"
      fi
      psql_admin "CREATE DATABASE $PG_DB TEMPLATE $TEMPLATE"
    else
      psql_admin "CREATE DATABASE $PG_DB"
    fi
    DB=postgresql://postgres@127.0.0.1:5432/$PG_DB ;;
  *) echo "unknown config $CFG"; exit 2 ;;
esac

count() { "$PY" -c "from samtycke.ledger import Ledger; l = Ledger('$DB', create=False); print(l.count()); l.close()"; }

# ---- start server ---------------------------------------------------------------
"$ROOT/.venv/bin/samtycke" serve --declaration "$DECL" --db "$DB" --port "$PORT" \
  --workers "$WORKERS" --rate-limit off > "$OUTDIR/server.log" 2>&1 &
SPID=$!
trap 'kill $SPID 2>/dev/null || true' EXIT
URL=http://127.0.0.1:$PORT
for _ in $(seq 1 100); do curl -sf "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "$URL/healthz" >/dev/null || { echo "server did not start"; cat "$OUTDIR/server.log"; exit 1; }
read -r REV FP CATS < <(curl -s "$URL/v1/sites/billogram" | "$PY" -c \
  "import json,sys; d=json.load(sys.stdin); print(d['revision'], d['fingerprint'], ','.join(c['id'] for c in d['categories']))")
export SITE=billogram REVISION=$REV FINGERPRINT=$FP CATEGORIES=$CATS
# warm-up: one request through every code path
curl -s -o /dev/null -w 'warm-up POST: HTTP %{http_code} in %{time_total}s\n' -X POST \
  -H 'Content-Type: application/json' --data "{\"site\":\"billogram\",\"revision\":$REV,\"fingerprint\":\"$FP\",\"language\":\"sv\",\"method\":\"reject-all\",\"choices\":{$(echo "$CATS" | sed 's/\([a-z-]*\)/"\1":false/g; s/"necessary":false/"necessary":true/')}}" \
  "$URL/v1/consents"
ROWS_BEFORE=$(count)

HZ=$(getconf CLK_TCK)
cpu_ticks() { local t=0; for p in $SPID $(pgrep -P $SPID); do t=$((t + $(awk '{print $14+$15}' /proc/$p/stat 2>/dev/null || echo 0))); done; echo $t; }
CPU0=$(cpu_ticks); LOAD0=$(cut -d' ' -f1 /proc/loadavg)

# ---- load -------------------------------------------------------------------------
wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --latency -s consent.lua "$URL/v1/consents" | tee "$OUTDIR/wrk.txt"

CPU1=$(cpu_ticks)
sleep 1
ROWS_AFTER=$(count)
OK=$(grep -o '"ok2xx":[0-9]*' "$OUTDIR/wrk.txt" | cut -d: -f2)
RPS=$(grep -o '"duration_s":[0-9.]*' "$OUTDIR/wrk.txt" | cut -d: -f2 | awk -v ok="$OK" '{print ok / $1}')
{
  echo "config=$CFG run=$LABEL workers=$WORKERS prefill=$PREFILL threads=$THREADS conns=$CONNS duration=$DUR"
  echo "ledger rows before=$ROWS_BEFORE after=$ROWS_AFTER new=$((ROWS_AFTER-ROWS_BEFORE)) wrk_2xx=$OK diff=$((ROWS_AFTER-ROWS_BEFORE-OK))"
  # CPU per acknowledged consent holds on a busy machine; consents/s does not.
  awk -v a="$CPU0" -v b="$CPU1" -v hz="$HZ" -v ok="$OK" -v la="$LOAD0" -v rps="$RPS" 'BEGIN {
    printf "consents/s=%.0f server CPU per consent=%.0f us (%.1f CPU s for %d 2xx); load average before: %s\n",
      rps, (b - a) / hz * 1e6 / (ok > 0 ? ok : 1), (b - a) / hz, ok, la }'
} | tee "$OUTDIR/summary.txt"
kill $SPID; wait $SPID 2>/dev/null || true
trap - EXIT
"$ROOT/.venv/bin/samtycke" ledger verify --db "$DB" | tee -a "$OUTDIR/summary.txt"
[ "$CFG" = postgres ] && psql_admin "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)"
exit 0
