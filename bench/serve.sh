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

# Signs up owner $1 with phone $2, requests a restaurant bot, has the admin
# approve it; prints the tenant id.
onboard() {
    local c=$DIR/cookies-$1 tenant req
    tenant=$(curl -sf -c "$c" -b "$c" -H "$J" $U/api/portal/signup -d '{"name":"Ana Souza",
        "email":"'"$1"'@example.com","password":"tulip-harbour-42","phone":"'"$2"'",
        "business_name":"Cafe Lua"}' | json 'v["tenant"]["id"] if "tenant" in v else v["tenant_id"]')
    curl -sf -o /dev/null -c "$c" -b "$c" -H "$J" $U/api/portal/setup-request -d '{
        "business_name":"Cafe Lua","template_type":"RESTAURANT","language":"PT",
        "whatsapp_number":"+5511912345678"}'
    req=$(curl -sf -H "$A" "$U/api/admin/setup-requests?status=PENDING" | json 'v["items"][0]["id"]')
    curl -sf -o /dev/null -XPOST -H "$A" $U/api/admin/setup-requests/$req/approve
    echo "$tenant"
}
