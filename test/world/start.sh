#!/usr/bin/env bash
# Renders the local test world's configs and starts its daemons, detached, each on its own
# loopback address; waits until each answers. Stops a previous instance first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash "$WORLD_DIR/stop.sh" >/dev/null
mkdir -p "$RUN_DIR"
(cd "$WORLD_DIR/../.." && npx tsx "$WORLD_DIR/render.ts" "$RUN_DIR")
mkdir -p "$PIDS" "$LOGS"

# --- DNS: BIND (authoritative) and dnsdist (DoH over plain HTTP) ---
chown -R bind:bind "$RUN_DIR/bind"
named-checkconf "$RUN_DIR/named.conf" || fail_with_logs "named.conf does not parse"
run_detached named named -f -4 -u bind -c "$RUN_DIR/named.conf"
run_detached dnsdist dnsdist --supervised --disable-syslog -C "$RUN_DIR/dnsdist.conf"
wait_until 20 "DoH on 127.0.0.1:8053" doh_answers_world_mx ||
  fail_with_logs "DNS/DoH did not come up" "$LOGS/named.out" "$RUN_DIR/bind/named.log" "$LOGS/dnsdist.out"
log "DNS up: BIND 127.0.0.1:5353, DoH http://127.0.0.1:8053/dns-query"

log "ready"
