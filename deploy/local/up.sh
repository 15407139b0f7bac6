#!/usr/bin/env bash
# Brings the whole TradeHub up on this machine, without Docker: installs
# what is missing, starts PostgreSQL and RabbitMQ (servers.sh), builds the
# solution, starts the services in the background, waits until each
# reports ready, and runs the sample client. Stop it all with down.sh.
#
# Ports (environment, defaults): TRADEHUB_GATEWAY_PORT 8080,
# TRADEHUB_LISTINGS_PORT 8081, TRADEHUB_ROUTING_PORT 8082,
# TRADEHUB_MATCHING_PORT 8083, TRADEHUB_SHIPMENTS_PORT 8084,
# TRADEHUB_WEBHOOKS_PORT 8085, TRADEHUB_TENDERS_PORT 8086, TRADEHUB_POOLS_PORT
# 8087, plus the server ports of servers.sh. TRADEHUB_POOLS_SWEEP_INTERVAL
# (default 00:00:02 here) is how often Pools closes pools past their cut-off,
# short so the sample day's pools run and cancel within it. Webhooks' secret
# key (it encrypts the signing secrets) is made once into the data folder; local runs allow webhook endpoints on
# loopback and private addresses (the sample's receiver is one).
# TRADEHUB_SKIP_SAMPLE=1 skips the sample client; TRADEHUB_ENVIRONMENT (default
# Development) is the services' ASPNETCORE_ENVIRONMENT. TRADEHUB_DB_PREFIX (default
# tradehub_) names the databases, TRADEHUB_SERVICE_DIR holds the services'
# pids/ and logs/ (default the data folder): with other ports, both let a
# second system share the servers. The services inherit the environment, so
# e.g. RabbitMq__VirtualHost=... reaches them. Each service connects to
# RabbitMQ as its own user (servers.sh broker_users grants them that vhost).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SERVERS="$LIB_DIR/servers.sh"

SERVICES=(listings routing matching shipments webhooks tenders pools gateway) # gateway last: it fronts the others
declare -A PORT=(
    [listings]="${TRADEHUB_LISTINGS_PORT:-8081}"
    [routing]="${TRADEHUB_ROUTING_PORT:-8082}"
    [matching]="${TRADEHUB_MATCHING_PORT:-8083}"
    [shipments]="${TRADEHUB_SHIPMENTS_PORT:-8084}"
    [webhooks]="${TRADEHUB_WEBHOOKS_PORT:-8085}"
    [tenders]="${TRADEHUB_TENDERS_PORT:-8086}"
    [pools]="${TRADEHUB_POOLS_PORT:-8087}"
    [gateway]="${TRADEHUB_GATEWAY_PORT:-8080}"
)
declare -A DLL=(
    [listings]=src/Listings/TradeHub.Listings/bin/Release/net10.0/TradeHub.Listings.dll
    [routing]=src/Routing/TradeHub.Routing/bin/Release/net10.0/TradeHub.Routing.dll
    [matching]=src/Matching/TradeHub.Matching/bin/Release/net10.0/TradeHub.Matching.dll
    [shipments]=src/Shipments/TradeHub.Shipments/bin/Release/net10.0/TradeHub.Shipments.dll
    [webhooks]=src/Webhooks/TradeHub.Webhooks/bin/Release/net10.0/TradeHub.Webhooks.dll
    [tenders]=src/Tenders/TradeHub.Tenders/bin/Release/net10.0/TradeHub.Tenders.dll
    [pools]=src/Pools/TradeHub.Pools/bin/Release/net10.0/TradeHub.Pools.dll
    [gateway]=src/Gateway/TradeHub.Gateway/bin/Release/net10.0/TradeHub.Gateway.dll
)
DATABASES=("${DB_PREFIX}listings" "${DB_PREFIX}routing" "${DB_PREFIX}matching" "${DB_PREFIX}shipments" "${DB_PREFIX}webhooks" "${DB_PREFIX}tenders" "${DB_PREFIX}pools")
WEBHOOKS_KEY_FILE="$DATA/webhooks-secret-key"
READY_TIMEOUT=60
GATEWAY_URL="http://127.0.0.1:${PORT[gateway]}"

# curl checks readiness; dotnet cannot come from Debian's packages.
ensure_tools() {
    command -v dotnet >/dev/null || die "dotnet (SDK 10) is not installed"
    command -v curl >/dev/null && return 0
    log "installing curl..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends curl >/dev/null
}

# The ASP.NET Core configuration of one service, as NAME=VALUE words in
# the array SERVICE_ENV (`__` is the config section separator).
service_env() {
    local name="$1" other
    SERVICE_ENV=(
        "ASPNETCORE_URLS=http://127.0.0.1:${PORT[$name]}"
        "ASPNETCORE_ENVIRONMENT=${TRADEHUB_ENVIRONMENT:-Development}"
        # The runtime sizes the gen0 budget from the L3 cache, which this VM reports as 300 MB: each service
        # then grew past 250 MB before its first collection. 16 MB keeps them small (docs/performance.md).
        "DOTNET_GCgen0size=${DOTNET_GCgen0size:-0x1000000}"
        RabbitMq__Host=127.0.0.1
        "RabbitMq__Port=$AMQP_PORT"
        # Each service its own broker user with only its permissions (deploy/rabbitmq/permissions.tsv).
        "RabbitMq__Username=tradehub-$name"
        "RabbitMq__Password=$(broker_password "tradehub-$name")"
        # A local system: the dev issuer (anyone gets any role) on, outside Development too (bench.sh runs
        # Production), with this machine's own random key rather than the public built-in one.
        Auth__DevIssuer__Enabled=true
        Auth__DevIssuer__AllowOutsideDevelopment=true
        "Auth__DevIssuer__SigningKey=$DEV_SIGNING_KEY"
    )
    if [[ "$name" == gateway ]]; then
        for other in listings routing matching shipments webhooks tenders pools; do
            SERVICE_ENV+=(
                "Services__${other^}=http://127.0.0.1:${PORT[$other]}"
                "ReverseProxy__Clusters__${other}__Destinations__primary__Address=http://127.0.0.1:${PORT[$other]}/"
            )
        done
    else
        if [[ "$name" == webhooks ]]; then
            SERVICE_ENV+=("Webhooks__SecretKey=$(webhooks_key)" Webhooks__AllowPrivateAddresses=true)
        fi
        if [[ "$name" == pools ]]; then
            SERVICE_ENV+=("Pools__SweepInterval=${TRADEHUB_POOLS_SWEEP_INTERVAL:-00:00:02}")
        fi
        SERVICE_ENV+=("ConnectionStrings__Database=Host=127.0.0.1;Port=$PG_PORT;Database=${DB_PREFIX}$name;Username=postgres;Password=$PG_PASSWORD")
    fi
}

# The dev issuer's key: 32 random bytes made once per data folder and kept (owner-only), so a service
# restarted later still accepts the tokens the others issued.
dev_signing_key() {
    local file="$DATA/dev-signing-key"
    if [[ ! -s "$file" ]]; then
        (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '\n' >"$file")
    fi
    DEV_SIGNING_KEY="$(<"$file")"
}

# The key that encrypts webhook signing secrets: 32 random bytes, made once
# and kept in the data folder, so a restart can still read the secrets.
webhooks_key() {
    if [[ ! -s "$WEBHOOKS_KEY_FILE" ]]; then
        (umask 077 && head -c 32 /dev/urandom | base64 >"$WEBHOOKS_KEY_FILE")
    fi
    cat "$WEBHOOKS_KEY_FILE"
}

service_pid() {
    local pid
    pid="$(read_pid "$SERVICE_PIDS/$1.pid")"
    pid_alive "$pid" && [[ "$(ps -o comm= -p "$pid")" == dotnet ]] && printf '%s\n' "$pid"
    return 0
}

start_service() {
    local name="$1" dll="$REPO/${DLL[$1]}" port="${PORT[$1]}" pid i
    pid="$(service_pid "$name")"
    if [[ -n "$pid" ]]; then
        log "$name already running (pid $pid); run down.sh first to load a new build"
        return 0
    fi
    [[ -f "$dll" ]] || die "$name: $dll not found (did the build produce it?)"
    port_open "$port" && die "$name: 127.0.0.1:$port is taken by another program (set TRADEHUB_${name^^}_PORT)"
    service_env "$name"
    rm -f "$SERVICE_PIDS/$name.pid"
    printf '\n==== %s start\n' "$(date '+%F %T')" >>"$SERVICE_LOGS/$name.log"
    # Started from the dll's folder: ASP.NET Core takes the working folder
    # as content root, where it looks for appsettings*.json. setsid: its
    # own session, so a Ctrl-C in this terminal does not reach it. The
    # launcher shell plays a supervisor's part: a service that ends with
    # exit code 75 (its bus stayed unhealthy: the Hosting library's
    # BusWatchdog) is started again; any other end (down.sh's SIGTERM, a
    # kill) ends the launcher too. The pid file holds dotnet's pid.
    (
        cd "$(dirname "$dll")"
        # shellcheck disable=SC2016 # expanded by the inner shell
        exec env "${SERVICE_ENV[@]}" setsid nohup bash -c '
            while :; do
                dotnet "$2" & echo $! >"$1"
                wait $!; code=$?
                [[ $code == 75 ]] || exit $code
                printf "\n==== %s exit code 75: started again\n" "$(date "+%F %T")"
            done' launcher "$SERVICE_PIDS/$name.pid" "$dll" >>"$SERVICE_LOGS/$name.log" 2>&1 </dev/null
    ) &
    for ((i = 0; i < 50; i++)); do
        [[ -s "$SERVICE_PIDS/$name.pid" ]] && break
        sleep 0.1
    done
    log "$name starting on http://127.0.0.1:$port (pid $(read_pid "$SERVICE_PIDS/$name.pid"), log $SERVICE_LOGS/$name.log)"
}

# GET /health/ready until 200, up to READY_TIMEOUT s; on failure say why
# and show the end of the service's log.
wait_ready() {
    local name="$1" url="http://127.0.0.1:${PORT[$1]}/health/ready" code="" deadline
    deadline=$((SECONDS + READY_TIMEOUT))
    while ((SECONDS < deadline)); do
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)"
        if [[ "$code" == 200 ]]; then
            log "$name ready on http://127.0.0.1:${PORT[$name]}"
            return 0
        fi
        if [[ -z "$(service_pid "$name")" ]]; then
            warn "$name is NOT ready: the process exited"
            show_tail "$SERVICE_LOGS/$name.log"
            return 1
        fi
        sleep 0.5
    done
    warn "$name is NOT ready after ${READY_TIMEOUT} s: GET $url answered ${code:-nothing} (000 = no connection)"
    show_tail "$SERVICE_LOGS/$name.log"
    return 1
}

show_tail() {
    warn "---- last lines of $1 ----"
    tail -n 30 "$1" >&2 || true
    warn "----"
}

run_sample() {
    local project="$REPO/samples/TradeHub.Sample"
    [[ -f "$project/TradeHub.Sample.csproj" ]] || return 0
    if [[ -n "${TRADEHUB_SKIP_SAMPLE:-}" ]]; then
        log "sample skipped (TRADEHUB_SKIP_SAMPLE is set)"
        return 0
    fi
    log "running the sample client against $GATEWAY_URL ..."
    dotnet run --project "$project" -c Release -- --gateway "$GATEWAY_URL" ||
        die "the sample client failed (the services keep running; stop them with deploy/local/down.sh)"
}

print_footer() {
    log ""
    log "Stop everything with: deploy/local/down.sh"
    log "up.sh took ${SECONDS} s"
}

main() {
    local sln name failed=0
    cd "$REPO"
    ensure_tools
    mkdir -p "$PIDS" "$LOGS" "$SERVICE_PIDS" "$SERVICE_LOGS"
    bash "$SERVERS" start
    bash "$SERVERS" ensure_databases "${DATABASES[@]}"
    bash "$SERVERS" broker_users "${RabbitMq__VirtualHost:-/}"

    if ! sln="$(find_solution)"; then
        log ""
        log "TradeHub.sln does not exist yet: nothing to build or run; the servers are up."
        print_footer
        return 0
    fi
    log "building $(basename "$sln") (Release)..."
    dotnet build "$sln" -c Release --nologo -v quiet ||
        die "build failed (the servers keep running; stop them with deploy/local/down.sh)"

    dev_signing_key
    for name in "${SERVICES[@]}"; do start_service "$name"; done
    for name in "${SERVICES[@]}"; do wait_ready "$name" || failed=1; done
    if ((failed)); then
        warn "some services are not ready; logs in $SERVICE_LOGS (stop everything with deploy/local/down.sh)"
        exit 1
    fi

    run_sample
    log ""
    log "TradeHub is up. Dashboard: $GATEWAY_URL/"
    log "This is a LOCAL system with the dev issuer on: POST $GATEWAY_URL/api/dev/tokens gives anyone any"
    log "organisation and role, admin included. Keep it on this machine; a shared deployment uses real OIDC"
    log "(Auth__Authority) with the dev issuer off (deploy/README.md)."
    print_footer
}

main "$@"
