#!/usr/bin/env bash
# Regenerates crates/flowhq/worker.order, the link order of the functions an
# idle worker runs (BENCHMARKS.md, "Idle simulator worker memory").
#
#   cargo build --release -p flowhq
#   bench/worker-order.sh target/release/flowhq > crates/flowhq/worker.order
#   cargo build --release -p flowhq     # relinks with the new order
#
# Starts `flowhq serve` (simulator, FLOWHQ_SUPERVISOR=external, fresh data
# dir and port), onboards tenants through the product's path, and runs
# their workers itself, with the environment the supervisor gives them,
# under `valgrind --tool=callgrind`. A simulator worker: start-up until it
# reports a QR code, the QR scan until ACTIVE, one customer message
# answered and logged, 30 s idle (three heartbeats), SIGTERM; $RUNS of
# them (default 3), because which rarely taken paths run (lock contention,
# a connection still being set up) depends on timing. Then a whatsapp-web
# worker with no route to WhatsApp (a closed local port) for 20 s.
# Callgrind's counters are dumped at the end of each phase; the output
# lists each function of the binary once, under the first of these phases
# that ran it: idle, message, link, simulator start-up, then what only the
# whatsapp-web worker ran, then the simulator worker's shutdown (run once,
# at the end, so kept away from the rest); by name within a phase, so that
# a regenerated file diffs cleanly. Idle comes first because a worker
# trims its resident pages (crates/flowhq/src/working_set.rs): what comes
# back afterwards is what the idle loop runs, and that is densest at the
# start. Order inside a phase hardly matters for RSS (a worker runs all of
# it); keeping the set contiguous does.
#
# Profile the release binary of the checkout that builds the releases:
# most names carry a hash of their crate's metadata (version, features,
# profile, compiler), but the ~11 % that end in `.llvm.<number>` (local
# functions another codegen unit imported) carry a hash of their codegen
# unit's contents, which include the checkout's absolute path (debug
# info). A name that does not match is skipped at link time, and its
# function lands among the control plane's again. Needs valgrind
# (callgrind_control), curl and python3; about four minutes.
set -euo pipefail
BIN=$(realpath "${1:-target/release/flowhq}")
PORT=${PORT:-18191}
RUNS=${RUNS:-3}
source "$(dirname "$0")/serve.sh"
start_serve FLOWHQ_SUPERVISOR=external FLOWHQ_STALE_AFTER=10m
WORKER=
cleanup() {
    [ -n "$WORKER" ] && kill "$WORKER" 2>/dev/null
    kill "$SERVE" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$DIR"
}
trap cleanup EXIT
# Runs tenant $1's worker under callgrind with the environment the local
# supervisor gives it (crates/server/src/supervisor/process.rs) plus "$@".
worker() {
    local tenant=$1 token
    shift
    token=$(curl -sf -XPOST -H "$A" $U/api/admin/tenants/$tenant/worker/token | json 'v["token"]')
    env -i PATH="$PATH" FLOWHQ_CONTROL_PLANE_URL=$U FLOWHQ_TENANT_ID="$tenant" \
        FLOWHQ_WORKER_TOKEN="$token" FLOWHQ_DATA_DIR="$DIR/data" FLOWHQ_HEARTBEAT_INTERVAL=10s "$@" \
        valgrind --tool=callgrind --demangle=no --compress-strings=no --dump-line=no \
        --callgrind-out-file="$DIR/cg-$tenant" "$BIN" worker --tenant "$tenant" \
        >"$DIR/worker-$tenant.log" 2>&1 &
    WORKER=$!
}
# Dumps the worker's counters since the last dump as phase $1.
phase() { callgrind_control -d "$1" "$WORKER" >/dev/null 2>&1; }
status() { curl -sf -H "$A" $U/api/admin/tenants/$1 | json 'v["status"]'; }
wait_for() { # $1 tries of 0.5 s until "$2…" succeeds
    local n=$1
    shift
    for _ in $(seq 1 "$n"); do "$@" && return 0; sleep 0.5; done
    echo "timed out: $*" >&2
    return 1
}
is() { [ "$(status "$1")" = "$2" ]; }
qr() { curl -sf -o /dev/null -H "$A" $U/api/admin/tenants/$1/qr; }
logged() { [ "$(curl -sf -H "$A" $U/api/admin/tenants/$1/messages | json 'len(v["items"])')" -ge 2 ]; }

# One simulator worker per run; which rarely taken paths run (lock
# contention, a connection still being set up) depends on timing, so
# several runs catch more of them.
SIMS=()
for run in $(seq 1 "$RUNS"); do
    SIM=$(onboard "ana$run" "+551198765430$run")
    SIMS+=("$SIM")
    worker "$SIM" FLOWHQ_CHANNEL=simulator
    # Start-up ends when the worker has reported its first QR code.
    wait_for 240 qr "$SIM"
    sleep 2
    phase startup
    curl -sf -o /dev/null -XPOST -H "$A" -H "$J" -d '{}' $U/api/sim/tenants/$SIM/scan
    wait_for 60 is "$SIM" ACTIVE
    sleep 2
    phase link
    curl -sf -o /dev/null -H "$A" -H "$J" -d '{"from":"+5511900000001","text":"oi"}' \
        $U/api/sim/tenants/$SIM/inbound
    wait_for 60 logged "$SIM"
    sleep 2
    phase message
    sleep 30
    phase idle
    kill -TERM "$WORKER"
    wait "$WORKER" || true
done

WA=$(onboard bia +5511987654399)
# A port nothing listens on: the channel's connect fails and backs off.
worker "$WA" FLOWHQ_CHANNEL=whatsapp-web FLOWHQ_WHATSAPP_URL=ws://127.0.0.1:9/ws/chat \
    FLOWHQ_WHATSAPP_VERSION=2.3000.1023456789
sleep 20
kill -TERM "$WORKER"
wait "$WORKER" || true
WORKER=

python3 - "$BIN" "$DIR/cg-$WA" "${SIMS[@]/#/$DIR/cg-}" <<'EOF'
import os, re, subprocess, sys
binary, wa, sims = sys.argv[1], sys.argv[2], sys.argv[3:]
defined = set()
out = subprocess.run(['nm', '--defined-only', binary], capture_output=True, text=True).stdout
for line in out.splitlines():
    parts = line.split()
    if len(parts) == 3 and parts[1] in 'tTwW':
        defined.add(parts[2])
def functions(path):
    """Functions of the binary with cost in one callgrind dump."""
    names, ob = set(), None
    for line in open(path, errors='replace'):
        if line.startswith('ob='):
            ob = line[3:].strip()
        elif line.startswith('fn=') and ob and os.path.realpath(ob) == binary:
            name = re.sub(r"'\d+$", '', line[3:].strip())
            if name in defined:
                names.add(name)
    return names
# callgrind_control -d writes <out>.1 … <out>.4 (start-up, link, message,
# idle), the dump at exit <out> (shutdown).
phases = [('idle', '.4'), ('message', '.3'), ('link', '.2'), ('start-up', '.1')]
phases = [(n, [functions(s + x) for s in sims]) for n, x in phases]
phases += [('whatsapp-web', [functions(wa)]), ('shutdown', [functions(s) for s in sims])]
seen = set()
for name, sets in phases:
    new = sorted(set().union(*sets) - seen)
    for function in new:
        print(function)
    seen.update(new)
    print(f'{name}: {len(new)} functions', file=sys.stderr)
EOF
