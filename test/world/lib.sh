# Shared helpers of start.sh, stop.sh and check.sh (sourced, not run).
# shellcheck shell=bash

WORLD_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# The daemons drop root (bind, postgrey, postfix), so they must be able to reach the run dir.
# A checkout under a private home (e.g. /root) is not reachable: run from /var/tmp then.
default_run_dir() {
  if runuser -u nobody -- test -x "$WORLD_DIR" 2>/dev/null; then
    echo "$WORLD_DIR/.run"
  else
    echo "/var/tmp/bouncezero-world-$(printf %s "$WORLD_DIR" | md5sum | cut -c1-12)"
  fi
}
RUN_DIR="${BZ_WORLD_RUN:-$(default_run_dir)}"
PIDS="$RUN_DIR/pids"
LOGS="$RUN_DIR/logs"

# A DNS query for world.test MX (id 0, RD), base64url, for DoH GET.
DOH_QUERY_WORLD_MX='AAABAAABAAAAAAAABXdvcmxkBHRlc3QAAA8AAQ'

log() { echo "world: $*"; }

# run_detached NAME CMD...: starts CMD in its own session (so it outlives this script's process
# group), with output in logs/NAME.out and its pid in pids/NAME.pid.
run_detached() {
  local name=$1
  shift
  setsid "$@" >"$LOGS/$name.out" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
}

# pid_alive PIDFILE NAME: the pid in PIDFILE is a live process whose command line mentions NAME
# (so a stale pid file never makes us signal an unrelated process that reused the pid).
pid_alive() {
  local pid
  [[ -s $1 ]] || return 1
  pid=$(tr -dc '0-9' <"$1")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$2"
}

# stop_pidfile PIDFILE NAME: TERM, wait up to 5 s, then KILL. Never fails.
stop_pidfile() {
  local file=$1 pid i
  if pid_alive "$file" "$2"; then
    pid=$(tr -dc '0-9' <"$file")
    kill -TERM "$pid" 2>/dev/null || true
    # A dead daemon may linger as a zombie until its new parent reaps it; its cmdline is then
    # empty, so pid_alive (not kill -0) tells that it is gone.
    for ((i = 0; i < 50; i++)); do
      pid_alive "$file" "$2" || break
      sleep 0.1
    done
    pid_alive "$file" "$2" && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$file"
}

# wait_until SECONDS DESCRIPTION CMD...: polls CMD every 0.1 s until it succeeds.
wait_until() {
  local seconds=$1 what=$2 i
  shift 2
  for ((i = 0; i < seconds * 10; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "world: timed out after ${seconds}s waiting for $what" >&2
  return 1
}

# fail_with_logs MESSAGE FILE...: prints MESSAGE and the tail of each log, exits 1.
fail_with_logs() {
  local message=$1 file
  shift
  echo "world: FAILED: $message" >&2
  for file in "$@"; do
    [[ -f $file ]] || continue
    echo "----- tail of $file -----" >&2
    tail -n 30 "$file" >&2
  done
  exit 1
}

# still_running NAME: the daemon started as NAME has not exited (e.g. for want of its port,
# while another instance answers in its place).
still_running() {
  pid_alive "$PIDS/$1.pid" "$1" || fail_with_logs "$1 exited" "$LOGS/$1.out" "${@:2}"
}

# tcp_open HOST PORT: something accepts connections there.
tcp_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# smtp_banner HOST: the server on HOST:25 greets with 220.
smtp_banner() {
  local line
  line=$(timeout 3 bash -c "exec 3<>/dev/tcp/$1/25; head -n 1 <&3; printf 'QUIT\r\n' >&3" 2>/dev/null) || return 1
  [[ $line == 220* ]]
}

# doh_answers_world_mx: a DoH GET over HTTP/1.1 for world.test MX carries the MX host name.
doh_answers_world_mx() {
  curl -sf --http1.1 --max-time 2 -H 'accept: application/dns-message' \
    "http://127.0.0.1:8053/dns-query?dns=$DOH_QUERY_WORLD_MX" | grep -aq 'mx1'
}
