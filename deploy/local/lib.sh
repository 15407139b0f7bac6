# shellcheck shell=bash disable=SC2034 # the settings are used by the scripts that source this
# Shared settings and helpers for the deploy/local scripts. Sourced, not run.
#
# Everything a local run creates (database files, RabbitMQ node, logs, pid
# files, test results) lives in one private, git-ignored folder, so a
# checkout can be wiped clean with `deploy/local/down.sh && rm -rf .local`.

LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$LIB_DIR/../.." && pwd)"
DATA="${TRADEHUB_DATA:-$REPO/.local}"
PIDS="$DATA/pids"
LOGS="$DATA/logs"
# The services' pid files and logs may live apart from the servers' (TRADEHUB_SERVICE_DIR), so a second
# system (a load run on other ports) can share one PostgreSQL and RabbitMQ without touching the first's pids.
SERVICE_DIR="${TRADEHUB_SERVICE_DIR:-$DATA}"
SERVICE_PIDS="$SERVICE_DIR/pids"
SERVICE_LOGS="$SERVICE_DIR/logs"
# Database names are <prefix><service>; a second system on the same server takes another prefix.
DB_PREFIX="${TRADEHUB_DB_PREFIX:-tradehub_}"

# Ports: not the standard ones (5432/5672/...), so a system PostgreSQL or
# RabbitMQ on the same machine does not clash with ours.
PG_PORT="${TRADEHUB_PG_PORT:-5433}"
PG_PASSWORD="${TRADEHUB_PG_PASSWORD:-tradehub}"
AMQP_PORT="${TRADEHUB_AMQP_PORT:-5673}"
RABBIT_MGMT_PORT="${TRADEHUB_RABBIT_MGMT_PORT:-15673}"
RABBIT_DIST_PORT="${TRADEHUB_RABBIT_DIST_PORT:-25673}"
# A private epmd port as well: our node then never registers with (and our
# `epmd -kill` never hits) the epmd of a system RabbitMQ or other Erlang app.
EPMD_PORT="${TRADEHUB_EPMD_PORT:-4370}"

# The local RabbitMQ users' passwords ("user<TAB>password" per line, made by `servers.sh broker_users`).
BROKER_PASSWORDS="$DATA/rabbitmq/passwords"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log()  { printf '%s\n' "$*"; }
warn() { printf '%s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# True when a process with this pid exists (a zombie counts as gone).
pid_alive() {
    local pid="$1" state
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    state="$(ps -o stat= -p "$pid" 2>/dev/null)" || return 1
    [[ -n "$state" && "$state" != Z* ]]
}

# Pid stored in a pid file, or nothing.
read_pid() {
    local file="$1"
    [[ -s "$file" ]] && head -n1 "$file" | tr -dc '0-9'
    return 0
}

# True when something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Wait until a process has exited, up to N seconds. Returns 1 on timeout.
wait_pid_exit() {
    local pid="$1" seconds="$2" i
    for ((i = 0; i < seconds * 10; i++)); do
        pid_alive "$pid" || return 0
        sleep 0.1
    done
    ! pid_alive "$pid"
}

# The password of a local RabbitMQ user (deploy/rabbitmq/permissions.tsv), or nothing before broker_users made it.
broker_password() {
    [[ -f "$BROKER_PASSWORDS" ]] || return 0
    awk -F'\t' -v user="$1" '$1 == user { print $2; exit }' "$BROKER_PASSWORDS"
}

# The solution file: `dotnet new sln` in .NET 10 creates .slnx, so accept
# either name.
find_solution() {
    local f
    for f in "$REPO/TradeHub.sln" "$REPO/TradeHub.slnx"; do
        [[ -f "$f" ]] && { printf '%s\n' "$f"; return 0; }
    done
    return 1
}
