#!/usr/bin/env bash
# Renders the local test world's configs and starts its daemons, detached, each on its own
# loopback address; waits until each answers. Stops a previous instance first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# From the repository root, so `npx tsx` and `node --import tsx` find the project's tsx.
cd "$WORLD_DIR/../.."
bash "$WORLD_DIR/stop.sh" >/dev/null
mkdir -p "$RUN_DIR"
log "run dir: $RUN_DIR"
npx tsx "$WORLD_DIR/render.ts" "$RUN_DIR"
mkdir -p "$PIDS" "$LOGS"

# --- DNS: BIND (authoritative) and dnsdist (DoH over plain HTTP) ---
chown -R bind:bind "$RUN_DIR/bind"
named-checkconf "$RUN_DIR/named.conf" || fail_with_logs "named.conf does not parse"
run_detached named named -f -4 -u bind -c "$RUN_DIR/named.conf"
run_detached dnsdist dnsdist --supervised --disable-syslog -C "$RUN_DIR/dnsdist.conf"
wait_until 20 "DoH on 127.0.0.1:8053" doh_answers_world_mx ||
  fail_with_logs "DNS/DoH did not come up" "$LOGS/named.out" "$RUN_DIR/bind/named.log" "$LOGS/dnsdist.out"
still_running named "$RUN_DIR/bind/named.log"
still_running dnsdist
log "DNS up: BIND 127.0.0.1:5353, DoH http://127.0.0.1:8053/dns-query"

# --- postgrey (greylisting policy for the greylist listener), met afresh on every start ---
rm -rf "$RUN_DIR/postgrey/db"
mkdir -p "$RUN_DIR/postgrey/db"
chown postgrey:postgrey "$RUN_DIR/postgrey/db"
mapfile -t postgrey_args <"$RUN_DIR/postgrey.args"
run_detached postgrey postgrey "${postgrey_args[@]}"
wait_until 20 "postgrey on 127.0.0.1:10023" tcp_open 127.0.0.1 10023 ||
  fail_with_logs "postgrey did not come up" "$LOGS/postgrey.out"
still_running postgrey
log "postgrey up: 127.0.0.1:10023"

# --- the reply milter (exact RCPT replies for special recipients, the blocklist, provider and ambiguous listeners, MAIL replies for the senderblock listeners) ---
run_detached reply-milter node --import tsx "$WORLD_DIR/reply-milter.ts"
# It says "listening on …" once every port of REPLY_MILTER (reply-milter-rules.ts) is open.
wait_until 20 "the reply milter's ports" grep -q '^listening on ' "$LOGS/reply-milter.out" ||
  fail_with_logs "the reply milter did not come up" "$LOGS/reply-milter.out"
still_running reply-milter
log "reply milter up: $(grep -m1 '^listening on ' "$LOGS/reply-milter.out")"

# --- Postfix: one master, one smtpd per listener address ---
postfix_conf="$RUN_DIR/postfix"
mkdir -p "$RUN_DIR/postfix-queue" "$RUN_DIR/postfix-data"
chown postfix "$RUN_DIR/postfix-data"
chmod 600 "$postfix_conf/tls/key.pem"
postfix -c "$postfix_conf" check >"$LOGS/postfix-check.out" 2>&1 ||
  fail_with_logs "postfix check failed" "$LOGS/postfix-check.out" "$LOGS/postfix.log"
# `postfix start` detaches the master itself; setsid keeps it out of our process group regardless.
setsid postfix -c "$postfix_conf" start >"$LOGS/postfix-start.out" 2>&1 </dev/null ||
  fail_with_logs "postfix start failed" "$LOGS/postfix-start.out" "$LOGS/postfix.log"
for address in $(awk -F: '/^127\.0\.0\.[0-9]+:smtp /{print $1}' "$postfix_conf/master.cf"); do
  wait_until 20 "SMTP banner on $address:25" smtp_banner "$address" ||
    fail_with_logs "Postfix listener $address did not greet" "$LOGS/postfix.log"
done
pid_alive "$RUN_DIR/postfix-queue/pid/master.pid" master ||
  fail_with_logs "the Postfix master exited" "$LOGS/postfix.log"
log "Postfix up: $(awk -F: '/^127\.0\.0\.[0-9]+:smtp /{printf "%s ", $1}' "$postfix_conf/master.cf")(port 25)"

# --- Dante: SOCKS5 with username auth, loopback destinations only ---
run_detached danted danted -f "$RUN_DIR/danted.conf" -p "$PIDS/danted.master.pid"
wait_until 20 "SOCKS5 on 127.0.0.1:1080" tcp_open 127.0.0.1 1080 ||
  fail_with_logs "danted did not come up" "$LOGS/danted.out" "$LOGS/danted.log"
still_running danted "$LOGS/danted.log"
log "SOCKS5 up: 127.0.0.1:1080 (user bz)"

log "ready"
