# Sourced by the bench scripts. start_serve [NAME=value …] starts
# `flowhq serve` ($BIN) with the simulator channel on a fresh data dir and
# $PORT, plus the given settings, and waits until it answers. Sets DIR
# (remove it when done), U (its URL), A and J (admin and JSON headers for
# curl) and SERVE (its pid). json EXPR prints EXPR of the JSON on stdin (v).
start_serve() {
    DIR=$(mktemp -d)
    local token=bench-admin-token-0123456789
    U=http://127.0.0.1:$PORT
    A="Authorization: Bearer $token"
    J='content-type: application/json'
    env "$@" FLOWHQ_DATA_DIR="$DIR/data" FLOWHQ_LISTEN="127.0.0.1:$PORT" \
        FLOWHQ_CHANNEL=simulator FLOWHQ_ADMIN_TOKEN="$token" \
        FLOWHQ_ADMIN_EMAIL=admin@example.com FLOWHQ_ADMIN_PASSWORD=admin-password-123 \
        "$BIN" serve >"$DIR/serve.log" 2>&1 &
    SERVE=$!
    for _ in $(seq 1 100); do curl -sf "$U/healthz" >/dev/null && break; sleep 0.1; done
}

json() { python3 -c "import sys,json; v=json.load(sys.stdin); print($1)"; }
