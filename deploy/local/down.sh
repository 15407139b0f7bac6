#!/usr/bin/env bash
# Stops what up.sh started: the services (by their recorded pids),
# then PostgreSQL and RabbitMQ. Leaves no process behind; safe to run
# twice. Data (databases, queues, logs) stays in the data folder.
# TRADEHUB_KEEP_SERVERS=1 stops only the services.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SERVICES=(gateway pools tenders webhooks shipments matching routing listings) # reverse start order
STOP_TIMEOUT=15

# The pid of a service we started, if that process still runs dotnet (a
# stale pid file must not make us signal an unrelated process).
service_pid() {
    local pid
    pid="$(read_pid "$SERVICE_PIDS/$1.pid")"
    pid_alive "$pid" && [[ "$(ps -o comm= -p "$pid")" == dotnet ]] && printf '%s\n' "$pid"
    return 0
}

# Signal a service, and whatever it spawned when it leads its own process
# group. up.sh's launcher shell leads the group of the services it starts
# and ends when its service ends on this signal.
signal_service() {
    local sig="$1" pid="$2"
    if [[ "$(ps -o pgid= -p "$pid" | tr -d ' ')" == "$pid" ]]; then
        kill "-$sig" -- "-$pid" 2>/dev/null || true
    else
        kill "-$sig" "$pid" 2>/dev/null || true
    fi
}

stop_services() {
    local name pid
    declare -A running=()
    # SIGTERM to all first (ASP.NET Core shuts down gracefully), so they
    # stop in parallel.
    for name in "${SERVICES[@]}"; do
        pid="$(service_pid "$name")"
        if [[ -n "$pid" ]]; then
            running[$name]="$pid"
            signal_service TERM "$pid"
        fi
    done
    for name in "${SERVICES[@]}"; do
        pid="${running[$name]:-}"
        if [[ -n "$pid" ]]; then
            if ! wait_pid_exit "$pid" "$STOP_TIMEOUT"; then
                warn "$name (pid $pid) did not stop within $STOP_TIMEOUT s; killing it"
                signal_service KILL "$pid"
                wait_pid_exit "$pid" 5 || warn "$name (pid $pid) would not die"
            fi
            log "$name stopped"
        fi
        rm -f "$SERVICE_PIDS/$name.pid"
    done
}

main() {
    stop_services
    # TRADEHUB_KEEP_SERVERS=1: only the services (a second system sharing someone else's servers).
    [[ -n "${TRADEHUB_KEEP_SERVERS:-}" ]] || bash "$LIB_DIR/servers.sh" stop
}

main "$@"
