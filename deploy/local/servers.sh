#!/usr/bin/env bash
# The private PostgreSQL and RabbitMQ that TradeHub uses on a developer's
# machine and in CI (no Docker, no systemd). Everything lives in the data
# folder (default <repo>/.local) and listens on 127.0.0.1 only.
#
# usage: servers.sh start  [postgres|rabbitmq]...   (default: both; idempotent)
#        servers.sh stop   [postgres|rabbitmq]...   (default: both)
#        servers.sh status [postgres|rabbitmq]...
#        servers.sh ensure_databases NAME...        (alias: createdb)
#        servers.sh broker_users [VHOST]...         (default /: one user per service)
#        servers.sh install                         (apt-get what is missing)
#
# With TRADEHUB_STARTED_BY=NAME, `start` writes the servers that this very
# call started to $DATA/pids/started-by-NAME, so the caller can later stop
# only those (test.sh does) and leave a developer's running servers alone.
set -euo pipefail

SCRIPT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$SCRIPT")/lib.sh"

PG_USER=tradehub-pg
PG_DIR="$DATA/postgres"
PG_DATA="$PG_DIR/data"
PG_RUN="$PG_DIR/run"
PG_LOG="$LOGS/postgres.log"

RABBIT_BIN=/usr/lib/rabbitmq/bin
RABBIT_DIR="$DATA/rabbitmq"
RABBIT_HOME="$RABBIT_DIR/home"
RABBIT_LAUNCHER_PID="$RABBIT_DIR/launcher.pid"
RABBIT_CONSOLE_LOG="$LOGS/rabbitmq-console.log"

STARTED_FILE=""

# ---------------------------------------------------------------- helpers

# True when PID is alive and runs the program COMM (guards against a stale
# pid file whose number the kernel has since given to another process).
pid_is() {
    local pid="$1" comm="$2"
    pid_alive "$pid" && [[ "$(ps -o comm= -p "$pid" 2>/dev/null)" == "$comm" ]]
}

mark_started() {
    [[ -z "$STARTED_FILE" ]] || printf '%s\n' "$1" >>"$STARTED_FILE"
}

show_log_tail() {
    local file="$1"
    [[ -f "$file" ]] || return 0
    warn "---- last lines of $file ----"
    tail -n 25 "$file" >&2 || true
    warn "----"
}

# Newest installed PostgreSQL bin folder (the version differs across
# Debian releases, so it is looked up rather than hard-coded).
pg_bin_dir() {
    local initdb
    initdb="$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n1)"
    [[ -x "$initdb" ]] && dirname "$initdb"
    return 0
}

# ----------------------------------------------------------- installation

ensure_installed() {
    local pkgs=()
    [[ -x "$RABBIT_BIN/rabbitmq-server" ]] || pkgs+=(rabbitmq-server)
    [[ -n "$(pg_bin_dir)" ]] || pkgs+=(postgresql)
    ((${#pkgs[@]})) || return 0

    mkdir -p "$LOGS"
    log "installing ${pkgs[*]} (once per machine, about 30 s)..."
    # A fresh machine may have no package lists yet: update first.
    if ! DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$LOGS/apt.log" 2>&1 ||
        ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${pkgs[@]}" >>"$LOGS/apt.log" 2>&1; then
        show_log_tail "$LOGS/apt.log"
        die "apt-get install ${pkgs[*]} failed"
    fi
    [[ " ${pkgs[*]} " == *" rabbitmq-server "* ]] && stop_system_rabbit
    return 0
}

# On a host with a working init system the package starts its own node
# (user rabbitmq, standard ports). Ours does not need it; stop it so two
# brokers do not run side by side. Its epmd is killed only if it is the
# one that node started (owned by user rabbitmq); ours uses another port.
stop_system_rabbit() {
    pgrep -u rabbitmq -x beam.smp >/dev/null 2>&1 || return 0
    log "stopping the system rabbitmq-server that the package started"
    service rabbitmq-server stop >/dev/null 2>&1 || true
    if pgrep -u rabbitmq -x epmd >/dev/null 2>&1; then
        epmd -port 4369 -kill >/dev/null 2>&1 || true
    fi
}

# ------------------------------------------------------------- PostgreSQL

# initdb, pg_ctl and postgres refuse to run as root: they run as this
# system user, created once per machine.
ensure_pg_user() {
    id -u "$PG_USER" >/dev/null 2>&1 && return 0
    useradd --system --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin "$PG_USER"
}

# The postgres user must reach its data folder through every parent. A
# checkout under /root or a CI clone elsewhere may be closed to others, so
# add the search bit (never read) where it is missing.
make_traversable() {
    local dir="$1"
    while [[ "$dir" != / && -n "$dir" ]]; do
        runuser -u "$PG_USER" -- test -x "$dir" || chmod o+x "$dir"
        dir="$(dirname "$dir")"
    done
}

# Run a PostgreSQL program as the postgres user, from / so it never trips
# over a working directory it may not read.
as_pg() {
    (cd / && runuser -u "$PG_USER" -- "$@")
}

# initdb once. It writes into a temporary folder that is renamed when
# complete, so an interrupted initdb never leaves a half-made cluster.
pg_init() {
    local bin="$1" tmp="$PG_DIR/data.initdb" pwfile="$PG_DIR/initdb.pw"
    [[ -f "$PG_DATA/PG_VERSION" ]] && return 0
    rm -rf "$tmp"
    printf '%s\n' "$PG_PASSWORD" >"$pwfile"
    chown "$PG_USER" "$pwfile"
    chmod 600 "$pwfile"
    if ! as_pg "$bin/initdb" -D "$tmp" -U postgres --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 --pwfile="$pwfile" \
        >"$LOGS/initdb.log" 2>&1; then
        rm -f "$pwfile"
        show_log_tail "$LOGS/initdb.log"
        die "initdb failed"
    fi
    rm -f "$pwfile"
    # Our settings live in tradehub.conf, rewritten at every start so a
    # changed TRADEHUB_PG_PORT takes effect; included last, so it wins.
    printf "\n# TradeHub local settings (written by deploy/local/servers.sh)\ninclude_if_exists = 'tradehub.conf'\n" \
        >>"$tmp/postgresql.conf"
    mv "$tmp" "$PG_DATA"
}

pg_configure() {
    local sockdir="$PG_RUN"
    # A unix socket path is limited to 107 bytes; a deeply nested checkout
    # would make postgres fail to start. Everything here uses TCP anyway,
    # so then go without a unix socket.
    if (( ${#PG_RUN} + 16 > 107 )); then
        warn "note: $PG_RUN is too long for a unix socket; PostgreSQL listens on TCP only"
        sockdir=""
    fi
    cat >"$PG_DATA/tradehub.conf" <<EOF
# Written by deploy/local/servers.sh at every start; edits are lost.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$sockdir'
max_connections = 300
EOF
    # TRADEHUB_PG_STATEMENTS=1 loads pg_stat_statements (then CREATE EXTENSION pg_stat_statements in a database and
    # read the view): which statements cost the server its CPU under load. Off by default.
    if [[ "${TRADEHUB_PG_STATEMENTS:-0}" == 1 ]]; then
        printf "shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track = all\n" >>"$PG_DATA/tradehub.conf"
    fi
    chown "$PG_USER" "$PG_DATA/tradehub.conf"
}

pg_pid() {
    local pid
    pid="$(read_pid "$PG_DATA/postmaster.pid")"
    pid_is "$pid" postgres && printf '%s\n' "$pid"
    return 0
}

# Processes whose working directory is our data folder: a postmaster's
# children chdir there, so after a crash (kill -9 of the postmaster) these
# are its orphans, still attached to the old shared memory.
pg_orphans() {
    local p data
    data="$(readlink -f "$PG_DATA")"
    for p in /proc/[0-9]*; do
        [[ "$(readlink "$p/cwd" 2>/dev/null)" == "$data" ]] && printf '%s\n' "${p#/proc/}"
    done
    return 0
}

# Called when no live postmaster owns postmaster.pid. After a crash that
# file and the socket's lock file stay, and postgres refuses to start
# while the pid in them still exists (a zombie not yet reaped, or a number
# reused by another program) or while orphaned children hold the old
# shared memory. Let the orphans exit (they notice the postmaster's
# death), then remove the stale lock files.
pg_clear_stale_lock() {
    local i orphans
    [[ -f "$PG_DATA/postmaster.pid" ]] || compgen -G "$PG_RUN/.s.PGSQL.*" >/dev/null || return 0
    for ((i = 0; i < 100; i++)); do
        orphans="$(pg_orphans)"
        [[ -z "$orphans" ]] && break
        sleep 0.1
    done
    if [[ -n "$orphans" ]]; then
        warn "killing leftover postgres processes of a crashed server: ${orphans//$'\n'/ }"
        # shellcheck disable=SC2086 # one pid per word
        kill -KILL $orphans 2>/dev/null || true
        sleep 0.5
    fi
    rm -f "$PG_DATA/postmaster.pid" "$PG_RUN"/.s.PGSQL.*
}

# Wait until postgres PID answers; gives up early if PID dies.
pg_wait_ready() {
    local bin="$1" pid="$2" seconds="$3" i
    for ((i = 0; i < seconds * 5; i++)); do
        "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && pid_alive "$pid" && return 0
        pid_alive "$pid" || return 1
        sleep 0.2
    done
    return 1
}

pg_start() {
    local bin pid
    bin="$(pg_bin_dir)"
    pid="$(pg_pid)"
    # Running: wait briefly in case it is still starting up. A server that
    # dies meanwhile (just killed, say) is started afresh below.
    if [[ -n "$pid" ]]; then
        if pg_wait_ready "$bin" "$pid" 30; then
            printf '%s\n' "$pid" >"$PIDS/postgres.pid"
            log "postgres already running on 127.0.0.1:$PG_PORT (pid $pid)"
            return 0
        fi
        pid_alive "$pid" &&
            die "postgres (pid $pid) runs but does not answer on 127.0.0.1:$PG_PORT; see $PG_LOG"
    fi
    port_open "$PG_PORT" &&
        die "127.0.0.1:$PG_PORT is taken by another program (set TRADEHUB_PG_PORT)"

    ensure_pg_user
    mkdir -p "$PG_RUN"
    chown "$PG_USER" "$PG_DIR" "$PG_RUN"
    chmod 700 "$PG_DIR"
    chmod 755 "$PG_RUN"
    make_traversable "$PG_DIR"
    pg_init "$bin"
    pg_clear_stale_lock
    pg_configure
    touch "$PG_LOG"
    chown "$PG_USER" "$PG_LOG"
    # Recorded before launching: an interrupted start must still be stopped.
    mark_started postgres

    if ! as_pg "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >/dev/null; then
        show_log_tail "$PG_LOG"
        pg_stop >/dev/null 2>&1 || true # a server still starting after 60 s
        die "postgres did not start"
    fi
    pid="$(pg_pid)"
    printf '%s\n' "$pid" >"$PIDS/postgres.pid"
    log "postgres ready on 127.0.0.1:$PG_PORT (pid $pid)"
}

pg_stop() {
    local bin pid
    bin="$(pg_bin_dir)"
    pid="$(pg_pid)"
    if [[ -z "$pid" ]]; then
        rm -f "$PIDS/postgres.pid"
        log "postgres not running"
        return 0
    fi
    # fast = roll back open transactions and disconnect clients; fall back
    # to immediate (crash-like, recovered at next start) if that hangs.
    if ! as_pg "$bin/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null 2>&1; then
        warn "postgres did not stop within 30 s; stopping it immediately"
        as_pg "$bin/pg_ctl" -D "$PG_DATA" -m immediate -w -t 10 stop >/dev/null 2>&1 ||
            kill -KILL "$pid" 2>/dev/null || true
    fi
    wait_pid_exit "$pid" 10 || die "postgres (pid $pid) would not exit"
    rm -f "$PIDS/postgres.pid"
    log "postgres stopped"
}

pg_status() {
    local pid
    pid="$(pg_pid)"
    if [[ -n "$pid" ]]; then
        log "postgres running on 127.0.0.1:$PG_PORT (pid $pid)"
    else
        log "postgres stopped"
        return 1
    fi
}

psql_admin() {
    PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=10 "$(pg_bin_dir)/psql" -X -q -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"
}

ensure_databases() {
    local name
    [[ -n "$(pg_pid)" ]] || die "postgres is not running (run: deploy/local/servers.sh start)"
    for name in "$@"; do
        # Names go into SQL unquoted-safe, so accept only plain identifiers.
        [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "not a plain database name: $name"
        if [[ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'")" == 1 ]]; then
            log "database $name exists"
        else
            psql_admin -c "CREATE DATABASE \"$name\"" >/dev/null
            log "database $name created"
        fi
    done
}

# --------------------------------------------------------------- RabbitMQ

# The environment of our private node, for the server and every CLI call.
# The real scripts in /usr/lib/rabbitmq/bin are used: the /usr/sbin
# wrappers switch to user rabbitmq with the system cookie and data folder.
rabbit_env() {
    export HOME="$RABBIT_HOME" # holds .erlang.cookie
    export RABBITMQ_NODENAME=rabbit@localhost # no host name resolution needed
    export RABBITMQ_MNESIA_BASE="$RABBIT_DIR/mnesia"
    export RABBITMQ_LOG_BASE="$LOGS/rabbitmq"
    export RABBITMQ_PID_FILE="$PIDS/rabbitmq.pid" # written by the node itself
    export RABBITMQ_CONFIG_FILE="$RABBIT_DIR/rabbitmq.conf"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$RABBIT_DIR/enabled_plugins"
    export RABBITMQ_CONF_ENV_FILE="$RABBIT_DIR/rabbitmq-env.conf" # not /etc/rabbitmq's
    export RABBITMQ_NODE_PORT="$AMQP_PORT"
    export RABBITMQ_DIST_PORT="$RABBIT_DIST_PORT"
    export RABBITMQ_CTL_DIST_PORT_MIN="$((RABBIT_DIST_PORT + 10000))"
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    export RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    export ERL_EPMD_ADDRESS=127.0.0.1
    export ERL_EPMD_PORT="$EPMD_PORT"
    export ERL_CRASH_DUMP="$LOGS/rabbitmq/erl_crash.dump"
}

rabbit_cli() {
    (rabbit_env && cd "$RABBIT_DIR" && "$RABBIT_BIN/$1" "${@:2}")
}

rabbit_prepare() {
    mkdir -p "$RABBIT_HOME" "$RABBIT_DIR/mnesia" "$LOGS/rabbitmq"
    chmod 700 "$RABBIT_HOME"
    local cookie="$RABBIT_HOME/.erlang.cookie"
    if [[ ! -s "$cookie" ]]; then
        (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr a-f A-F >"$cookie")
    fi
    chmod 400 "$cookie" # Erlang refuses a cookie others can read
    cat >"$RABBIT_DIR/rabbitmq.conf" <<EOF
# Written by deploy/local/servers.sh at every start; edits are lost.
listeners.tcp.1 = 127.0.0.1:$AMQP_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $RABBIT_MGMT_PORT
EOF
    printf '# Intentionally empty: keeps /etc/rabbitmq/rabbitmq-env.conf out.\n' \
        >"$RABBIT_DIR/rabbitmq-env.conf"
    if [[ ! -s "$RABBIT_DIR/enabled_plugins" ]]; then
        rabbit_cli rabbitmq-plugins --offline enable rabbitmq_management \
            >"$LOGS/rabbitmq-plugins.log" 2>&1 ||
            { show_log_tail "$LOGS/rabbitmq-plugins.log"; die "enabling rabbitmq_management failed"; }
    fi
}

# Pid of our beam.smp: from the node's pid file, or (if it died before
# writing it) from the process group of the launcher.
rabbit_pid() {
    local pid launcher
    pid="$(read_pid "$PIDS/rabbitmq.pid")"
    if pid_is "$pid" beam.smp; then
        printf '%s\n' "$pid"
        return 0
    fi
    launcher="$(read_pid "$RABBIT_LAUNCHER_PID")"
    [[ -n "$launcher" ]] && { pgrep -g "$launcher" -x beam.smp | head -n1 || true; }
    return 0
}

# Start the node in the background; rabbit_wait then waits for it. Split
# so PostgreSQL starts while the Erlang VM boots (which takes ~8 s).
# Sets RABBIT_LAUNCHED=1 when it launched a node.
RABBIT_LAUNCHED=0
rabbit_launch() {
    local pid i
    pid="$(rabbit_pid)"
    if [[ -n "$pid" ]]; then
        # Running: wait briefly in case it is still starting up. A node
        # that dies meanwhile (just killed, say) is started afresh below.
        for ((i = 0; i < 600; i++)); do
            port_open "$AMQP_PORT" && pid_alive "$pid" && return 0
            pid_alive "$pid" || break
            sleep 0.1
        done
        pid_alive "$pid" &&
            die "rabbitmq (pid $pid) runs but does not answer on 127.0.0.1:$AMQP_PORT; see $LOGS/rabbitmq"
    fi
    port_open "$AMQP_PORT" &&
        die "127.0.0.1:$AMQP_PORT is taken by another program (set TRADEHUB_AMQP_PORT)"
    rabbit_prepare
    rm -f "$PIDS/rabbitmq.pid" "$RABBIT_LAUNCHER_PID"
    # Our own epmd on loopback and a private port, before the node.
    # (If it cannot start, erl starts one itself with the same settings.)
    (rabbit_env && epmd -daemon -address 127.0.0.1 -port "$EPMD_PORT") || true
    printf '\n==== %s start\n' "$(date '+%F %T')" >>"$RABBIT_CONSOLE_LOG"
    # Foreground node under setsid nohup, in the background: `-detached`
    # once died in a start-up race. The launcher shell records its own pid
    # (it leads the new process group, used to clean up at stop).
    (
        rabbit_env
        cd "$RABBIT_DIR"
        # shellcheck disable=SC2016 # expanded by the inner shell
        exec setsid nohup bash -c 'echo $$ >"$1" && exec "$2"' launcher \
            "$RABBIT_LAUNCHER_PID" "$RABBIT_BIN/rabbitmq-server" \
            >>"$RABBIT_CONSOLE_LOG" 2>&1 </dev/null
    ) &
    RABBIT_LAUNCHED=1
    mark_started rabbitmq # now, so an interrupted start is still stopped
}

# A start that failed: show why, and stop whatever part of the node runs.
rabbit_fail() {
    show_log_tail "$1"
    rabbit_stop >/dev/null 2>&1 || true
    die "$2 (logs in $LOGS/rabbitmq)"
}

rabbit_wait() {
    local pid i launcher=""
    if ((RABBIT_LAUNCHED)); then
        # Poll the AMQP port (cheap) while checking the node is still alive.
        for ((i = 0; i < 900; i++)); do
            port_open "$AMQP_PORT" && break
            [[ -n "$launcher" ]] || launcher="$(read_pid "$RABBIT_LAUNCHER_PID")"
            if [[ -n "$launcher" ]] && ! pid_alive "$launcher"; then
                rabbit_fail "$RABBIT_CONSOLE_LOG" "rabbitmq exited while starting"
            elif [[ -z "$launcher" ]] && ((i > 100)); then
                rabbit_fail "$RABBIT_CONSOLE_LOG" "rabbitmq launcher did not start"
            fi
            sleep 0.1
        done
        port_open "$AMQP_PORT" ||
            rabbit_fail "$RABBIT_CONSOLE_LOG" "rabbitmq did not open port $AMQP_PORT within 90 s"
    else
        # Already running and answering (checked by rabbit_launch): that
        # is enough, and saves the ~1 s of a CLI call on every warm start.
        pid="$(rabbit_pid)"
        printf '%s\n' "$pid" >"$PIDS/rabbitmq.pid"
        log "rabbitmq already running on 127.0.0.1:$AMQP_PORT (pid $pid)"
        return 0
    fi
    # The port opens before the node has finished booting (plugins, ...);
    # one await_startup covers the rest. Each CLI call costs about 1 s.
    rabbit_cli rabbitmqctl await_startup --timeout 60 >"$LOGS/rabbitmqctl.log" 2>&1 ||
        rabbit_fail "$LOGS/rabbitmqctl.log" "rabbitmq did not finish starting"
    pid="$(rabbit_pid)"
    printf '%s\n' "$pid" >"$PIDS/rabbitmq.pid"
    log "rabbitmq ready on 127.0.0.1:$AMQP_PORT, management http://127.0.0.1:$RABBIT_MGMT_PORT/ (pid $pid)"
}

rabbit_stop() {
    local pid launcher
    pid="$(rabbit_pid)"
    launcher="$(read_pid "$RABBIT_LAUNCHER_PID")"
    if [[ -n "$pid" ]]; then
        # SIGTERM makes the VM shut down gracefully (about 6 s).
        kill -TERM "$pid" 2>/dev/null || true
        if ! wait_pid_exit "$pid" 30; then
            warn "rabbitmq did not stop within 30 s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
            wait_pid_exit "$pid" 5 || true
        fi
        log "rabbitmq stopped"
    else
        log "rabbitmq not running"
    fi
    # Anything left in the launcher's process group (the wrapper shell,
    # erl_child_setup). Checked to still be our group before signalling.
    if pid_alive "$launcher" && [[ "$(ps -o pgid= -p "$launcher" | tr -d ' ')" == "$launcher" ]]; then
        kill -TERM -- "-$launcher" 2>/dev/null || true
        wait_pid_exit "$launcher" 5 || kill -KILL -- "-$launcher" 2>/dev/null || true
    fi
    rm -f "$PIDS/rabbitmq.pid" "$RABBIT_LAUNCHER_PID"
    epmd_stop_if_unused
}

# Our epmd (private port) goes once no node is registered with it.
epmd_stop_if_unused() {
    local names
    names="$(ERL_EPMD_PORT="$EPMD_PORT" epmd -port "$EPMD_PORT" -names 2>/dev/null)" || return 0
    grep -q '^name ' <<<"$names" && return 0
    ERL_EPMD_PORT="$EPMD_PORT" epmd -port "$EPMD_PORT" -kill >/dev/null 2>&1 || true
}

rabbit_status() {
    local pid
    pid="$(rabbit_pid)"
    if [[ -n "$pid" ]] && port_open "$AMQP_PORT"; then
        log "rabbitmq running on 127.0.0.1:$AMQP_PORT, management http://127.0.0.1:$RABBIT_MGMT_PORT/ (pid $pid)"
    elif [[ -n "$pid" ]]; then
        log "rabbitmq starting or stuck (pid $pid), port $AMQP_PORT not answering"
        return 1
    else
        log "rabbitmq stopped"
        return 1
    fi
}

# One RabbitMQ user per service with the permissions of deploy/rabbitmq/permissions.tsv on each VHOST (created if
# missing). Passwords are random, made once per data folder and kept in $BROKER_PASSWORDS (lib.sh), where up.sh
# and the test rig read them. guest stays the local administrator (RabbitMQ lets it in from loopback only).
broker_users() {
    local api="http://127.0.0.1:$RABBIT_MGMT_PORT/api" vhost user configure write read password path
    (($#)) || set -- /
    [[ -n "$(rabbit_pid)" ]] || die "rabbitmq is not running (run: deploy/local/servers.sh start)"
    mkdir -p "$(dirname "$BROKER_PASSWORDS")"
    [[ -f "$BROKER_PASSWORDS" ]] || (umask 077 && : >"$BROKER_PASSWORDS")
    while IFS=$'\t' read -r user configure write read; do
        [[ -z "$user" || "$user" == \#* ]] && continue
        password="$(broker_password "$user")"
        if [[ -z "$password" ]]; then
            password="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
            printf '%s\t%s\n' "$user" "$password" >>"$BROKER_PASSWORDS"
        fi
        broker_api PUT "$api/users/$user" "{\"password\":\"$password\",\"tags\":\"\"}"
        for vhost in "$@"; do
            [[ "$vhost" =~ ^[A-Za-z0-9/._-]+$ ]] || die "not a plain virtual host name: $vhost"
            path="${vhost//\//%2F}"
            broker_api PUT "$api/vhosts/$path" '{}'
            broker_api PUT "$api/permissions/$path/$user" \
                "$(printf '{"configure":"%s","write":"%s","read":"%s"}' "${configure//\\/\\\\}" "${write//\\/\\\\}" "${read//\\/\\\\}")"
        done
    done <"$REPO/deploy/rabbitmq/permissions.tsv"
    for vhost in "$@"; do retire_topology "$api" "${vhost//\//%2F}"; done
    log "rabbitmq users of deploy/rabbitmq/permissions.tsv granted on: $*"
}

# What earlier versions declared and nothing consumes any more (a broker keeps it, and a queue would fill up): the
# cargo post reaches Matching and Shipments inside CargoRoutesComputed (docs/decisions/0011-matching-partitions.md).
retire_topology() {
    local api=$1 path=$2 posted="TradeHub.Listings.Contracts%3ACargoOfferPosted"
    broker_api_absent_ok DELETE "$api/bindings/$path/e/$posted/e/matching-cargo-capacity/~"
    broker_api_absent_ok DELETE "$api/queues/$path/shipments-cargo-offer-posted"
    broker_api_absent_ok DELETE "$api/exchanges/$path/shipments-cargo-offer-posted"
}

broker_api_absent_ok() {
    local answer
    answer="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -u guest:guest -X "$1" "$2" || true)"
    [[ "$answer" == 2* || "$answer" == 404 ]] || die "RabbitMQ management API: $1 $2 answered ${answer:-nothing}"
}

broker_api() {
    local answer
    answer="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -u guest:guest -X "$1" \
        -H 'content-type: application/json' -d "$3" "$2" || true)"
    [[ "$answer" == 2* ]] || die "RabbitMQ management API: $1 $2 answered ${answer:-nothing}"
}

# ------------------------------------------------------------------- main

usage() {
    sed -n '2,15p' "$SCRIPT" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# Parses [postgres|rabbitmq]... into WANT_PG / WANT_RABBIT (default both).
select_servers() {
    WANT_PG=0 WANT_RABBIT=0
    (($#)) || { WANT_PG=1 WANT_RABBIT=1; return 0; }
    local s
    for s in "$@"; do
        case "$s" in
            postgres | postgresql | pg) WANT_PG=1 ;;
            rabbitmq | rabbit) WANT_RABBIT=1 ;;
            *) usage ;;
        esac
    done
}

# One servers.sh at a time per data folder (up.sh and test.sh may overlap).
# flock -o keeps the lock in flock itself, so the servers we start do not
# inherit it.
take_lock() {
    if [[ -z "${TRADEHUB_SERVERS_LOCKED:-}" ]]; then
        mkdir -p "$DATA"
        TRADEHUB_SERVERS_LOCKED=1 exec flock -o -w 600 "$DATA/.servers.lock" bash "$SCRIPT" "$@"
    fi
    unset TRADEHUB_SERVERS_LOCKED
}

cmd_start() {
    select_servers "$@"
    ensure_installed
    if [[ -n "${TRADEHUB_STARTED_BY:-}" ]]; then
        [[ "$TRADEHUB_STARTED_BY" =~ ^[A-Za-z0-9_.-]+$ ]] || die "bad TRADEHUB_STARTED_BY"
        STARTED_FILE="$PIDS/started-by-$TRADEHUB_STARTED_BY"
        : >"$STARTED_FILE"
    fi
    ((WANT_RABBIT)) && rabbit_launch
    ((WANT_PG)) && pg_start
    ((WANT_RABBIT)) && rabbit_wait
    return 0
}

cmd_stop() {
    select_servers "$@"
    # No installation yet means nothing can be running.
    if ((WANT_RABBIT)) && [[ -x "$RABBIT_BIN/rabbitmq-server" ]]; then rabbit_stop; fi
    if ((WANT_PG)) && [[ -n "$(pg_bin_dir)" ]]; then pg_stop; fi
    return 0
}

cmd_status() {
    select_servers "$@"
    local rc=0
    if ((WANT_PG)); then pg_status || rc=3; fi
    if ((WANT_RABBIT)); then rabbit_status || rc=3; fi
    return "$rc"
}

main() {
    local cmd="${1:-}"
    (($#)) && shift
    case "$cmd" in
        start | stop | ensure_databases | createdb | broker_users | install) take_lock "$cmd" "$@" ;;
        status) ;;
        *) usage ;;
    esac
    mkdir -p "$PIDS" "$LOGS"
    case "$cmd" in
        start) cmd_start "$@" ;;
        stop) cmd_stop "$@" ;;
        status) cmd_status "$@" ;;
        ensure_databases | createdb) ensure_databases "$@" ;;
        broker_users) broker_users "$@" ;;
        install) ensure_installed ;;
    esac
}

main "$@"
