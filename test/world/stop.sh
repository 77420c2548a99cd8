#!/usr/bin/env bash
# Stops every daemon of the local test world by its pid file; never fails if none is running.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ -d $PIDS ]] || exit 0
if [[ -f $RUN_DIR/postfix/main.cf ]] && pid_alive "$RUN_DIR/postfix-queue/pid/master.pid" master; then
  postfix -c "$RUN_DIR/postfix" stop >/dev/null 2>&1 || true
fi
stop_pidfile "$RUN_DIR/postfix-queue/pid/master.pid" master
for name in danted reply-milter postgrey dnsdist named; do
  stop_pidfile "$PIDS/$name.pid" "$name"
done
bash "$WORLD_DIR/postgres.sh" stop >/dev/null 2>&1 || true
log "stopped"
exit 0
