#!/usr/bin/env bash
# Load run: brings the system up (up.sh with TRADEHUB_SKIP_SAMPLE=1; a system that already answers on the
# gateway port is reused), then runs tests/TradeHub.LoadGenerator against it. Arguments go to the generator,
# e.g. `deploy/local/bench.sh --duration 60 --rate 200`. Writes .local/bench/latest.json and prints the table.
# The system is LEFT RUNNING afterwards (deploy/local/down.sh stops it).
#
# For the bench the gateway's per-user, per-address and global rate limits are raised (RateLimiting__*), since the
# generator is a handful of organisations sending far more than any real one would. Every other setting is
# the services' default. Environment as for up.sh (ports, TRADEHUB_DB_PREFIX, TRADEHUB_SERVICE_DIR,
# RabbitMq__VirtualHost, created if missing; the generator takes the vhost for its AMQP baseline from it).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GATEWAY_URL="http://127.0.0.1:${TRADEHUB_GATEWAY_PORT:-8080}"
OUT="$REPO/.local/bench"

# Measured as deployed (Production: no developer exception page, no DI scope validation), unless set otherwise.
# The webhook bench (--webhooks) is the exception: its receivers are plain http on loopback, and the Webhooks
# service takes http endpoints only in Development (https is required everywhere else).
if [[ " $* " == *" --webhooks "* ]]; then
    export TRADEHUB_ENVIRONMENT="${TRADEHUB_ENVIRONMENT:-Development}"
else
    export TRADEHUB_ENVIRONMENT="${TRADEHUB_ENVIRONMENT:-Production}"
fi
export RateLimiting__PermitsPerSecond="${RateLimiting__PermitsPerSecond:-1000000}"
export RateLimiting__Burst="${RateLimiting__Burst:-1000000}"
export RateLimiting__AddressPermitsPerSecond="${RateLimiting__AddressPermitsPerSecond:-1000000}"
export RateLimiting__AddressBurst="${RateLimiting__AddressBurst:-1000000}"
export RateLimiting__GlobalPermitsPerSecond="${RateLimiting__GlobalPermitsPerSecond:-1000000}"
export RateLimiting__GlobalBurst="${RateLimiting__GlobalBurst:-1000000}"
export RateLimiting__DevTokensPerMinute="${RateLimiting__DevTokensPerMinute:-100000}"
# The shipments phase sends a hundred shipment.event per batch to each party's stream; the generator reads them all,
# but a burst must not push the eta_changed it times out of the gateway's per-client buffer.
export Events__ClientBuffer="${Events__ClientBuffer:-200000}"

# A vhost of its own (RabbitMq__VirtualHost) is created if missing, through the management API.
ensure_vhost() {
    local vhost="${RabbitMq__VirtualHost:-/}" api="http://127.0.0.1:$RABBIT_MGMT_PORT/api"
    [[ "$vhost" == / ]] && return 0
    [[ "$vhost" =~ ^[A-Za-z0-9._-]+$ ]] || die "RabbitMq__VirtualHost '$vhost': letters, digits, '.', '_' and '-' only"
    curl -sf -u guest:guest -X PUT "$api/vhosts/$vhost" >/dev/null || die "could not create the RabbitMQ vhost $vhost"
    curl -sf -u guest:guest -X PUT -H 'content-type: application/json' \
        -d '{"configure":".*","write":".*","read":".*"}' "$api/permissions/$vhost/guest" >/dev/null ||
        die "could not grant guest the RabbitMQ vhost $vhost"
}

main() {
    cd "$REPO"
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$GATEWAY_URL/health/ready" || true)" == 200 ]]; then
        log "reusing the system answering at $GATEWAY_URL (its settings are whatever it was started with)"
    else
        bash "$LIB_DIR/servers.sh" start
        ensure_vhost
        TRADEHUB_SKIP_SAMPLE=1 bash "$LIB_DIR/up.sh"
    fi
    mkdir -p "$OUT"
    export TRADEHUB_PG="${TRADEHUB_PG:-Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PG_PASSWORD}"
    export TRADEHUB_AMQP_PORT="$AMQP_PORT"
    export TRADEHUB_AMQP_VHOST="${TRADEHUB_AMQP_VHOST:-${RabbitMq__VirtualHost:-/}}"
    export TRADEHUB_SERVICE_DIR="$SERVICE_DIR"
    dotnet run -c Release --project tests/TradeHub.LoadGenerator -- \
        --gateway "$GATEWAY_URL" --json "$OUT/latest.json" "$@"
    log ""
    log "The system is still running; stop it with deploy/local/down.sh (same environment)."
}

main "$@"
