#!/usr/bin/env bash
# Memory of one idle simulator worker (BENCHMARKS.md, "Workers").
#
#   bench/worker-rss.sh [path/to/flowhq] [idle seconds]
#
# Starts `flowhq serve` with the simulator on a fresh data dir and port,
# takes one tenant through the product's own path (owner signup, setup
# request, admin approval, which starts the worker; QR scan; one customer
# message answered), leaves the worker idle, then prints its `ps` RSS
# sampled every second over the idle time (min, median, max; the worker
# trims its resident pages now and then, and what an idle worker uses
# comes back between trims: the max is the figure), its smaps_rollup and
# where its resident pages are (per mapping). Needs curl, python3 and a
# free port ($PORT, default 18181).
set -euo pipefail
BIN=$(realpath "${1:-target/release/flowhq}")
IDLE=${2:-90}
PORT=${PORT:-18181}
source "$(dirname "$0")/serve.sh"
start_serve
cleanup() {
    curl -s -o /dev/null -XPOST -H "$A" $U/api/admin/workers/stop-all || true
    kill "$SERVE" 2>/dev/null || true
    wait "$SERVE" 2>/dev/null || true
    rm -rf "$DIR"
}
trap cleanup EXIT
TENANT=$(onboard ana +5511987654321)

status() { curl -sf -H "$A" $U/api/admin/tenants/$TENANT | json 'v["status"]'; }
for _ in $(seq 1 100); do [ "$(status)" = QR_PENDING ] && break; sleep 0.1; done
# The worker has reported its QR code once the simulator accepts a scan.
for _ in $(seq 1 100); do
    curl -sf -o /dev/null -XPOST -H "$A" -H "$J" -d '{}' $U/api/sim/tenants/$TENANT/scan && break
    sleep 0.1
done
for _ in $(seq 1 100); do [ "$(status)" = ACTIVE ] && break; sleep 0.1; done
[ "$(status)" = ACTIVE ] || { echo "tenant not ACTIVE: $(status)"; exit 1; }
curl -sf -o /dev/null -H "$A" -H "$J" -d '{"from":"+5511900000001","text":"oi"}' \
    $U/api/sim/tenants/$TENANT/inbound
# Answered and logged: the reply is in the simulator's outbox and both
# messages reached the control plane's log.
for _ in $(seq 1 100); do
    n=$(curl -sf -H "$A" $U/api/admin/tenants/$TENANT/messages | json 'len(v["items"])')
    [ "$n" -ge 2 ] && break
    sleep 0.1
done
[ "$n" -ge 2 ] || { echo "messages not logged: $n"; exit 1; }
PID=$(pgrep -f "^flowhq-worker-$TENANT")
# Samples after the first 15 s: the worker's first trim is 10 s after it
# started, and the whole idle time covers heartbeats and long polls.
SAMPLES=$(for i in $(seq 1 "$IDLE"); do
    sleep 1
    [ "$i" -gt 15 ] && ps -o rss= -p "$PID"
done | sort -n)
echo "worker pid $PID, threads $(ls /proc/$PID/task | wc -l), binary $(du -m "$BIN" | cut -f1) MiB"
echo "$SAMPLES" | python3 -c '
import sys, statistics
kib = [int(x) for x in sys.stdin.read().split()]
print("idle RSS over %d samples (MiB): min %.1f, median %.1f, max %.1f" % (
    len(kib), min(kib) / 1024, statistics.median(kib) / 1024, max(kib) / 1024))'
ps -o pid,rss,args -p "$PID"
grep -E '^(Rss|Pss|Pss_Anon|Pss_File|Shared_Clean|Shared_Dirty|Private_Clean|Private_Dirty|Anonymous):' \
    /proc/$PID/smaps_rollup
echo "resident KiB by mapping (file or [anon]) and permissions; of which anonymous:"
awk '
    /^[0-9a-f]+-[0-9a-f]+ / { name = ($6 == "" ? "[anon]" : $6); key = name " " $2; next }
    /^Rss:/ { rss[key] += $2 }
    /^Anonymous:/ { anon[key] += $2 }
    END { for (k in rss) if (rss[k] > 0) printf "%8d %8d  %s\n", rss[k], anon[k], k }
' /proc/$PID/smaps | sort -rn
# BY_CRATE=1: which crates' code the resident text pages hold.
if [ -n "${BY_CRATE:-}" ]; then python3 "$(dirname "$0")/text-pages.py" "$PID" "$BIN"; fi
