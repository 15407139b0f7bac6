#!/usr/bin/env bash
# Builds and tests TradeHub against a private PostgreSQL and RabbitMQ
# (servers.sh). Servers already running (a developer's `up.sh`) are used
# and left running; those this script starts are stopped on any exit,
# including failure and Ctrl-C. Extra arguments go to `dotnet test`, e.g.
#   deploy/local/test.sh --filter "FullyQualifiedName~Matching"
# The last line printed is `N passed, N failed` (`, N skipped` if any).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SERVERS="$LIB_DIR/servers.sh"
RESULTS="$DATA/test-results"
STARTED_FILE="$PIDS/started-by-test"
SUMMARY=""

# On every exit: stop the servers this run started, then print the
# summary, so that it is the last line.
on_exit() {
    local rc=$? started=()
    trap - EXIT INT TERM
    if [[ -s "$STARTED_FILE" ]]; then
        mapfile -t started <"$STARTED_FILE"
        bash "$SERVERS" stop "${started[@]}" || rc=1
    fi
    rm -f "$STARTED_FILE"
    [[ -z "$SUMMARY" ]] || printf '%s\n' "$SUMMARY"
    exit "$rc"
}

# Value of the integer attribute NAME in a <Counters .../> element; 0 if
# absent. The leading space keeps "executed" from matching "notExecuted".
counter() {
    local value
    value="$(grep -o " $1=\"[0-9]*\"" <<<"$2" | head -n1 | tr -dc '0-9')"
    printf '%s\n' "${value:-0}"
}

# Sums the <Counters> of every TRX file under the results folder into
# PASSED, FAILED and SKIPPED. Errors, timeouts and aborts count as failed.
count_results() {
    local file counters total executed notexecuted skipped
    PASSED=0 FAILED=0 SKIPPED=0
    while IFS= read -r -d '' file; do
        counters="$(tr '\n\r' '  ' <"$file" | grep -o '<Counters [^>]*>' | head -n1 || true)"
        [[ -n "$counters" ]] || { warn "no <Counters> in $file"; continue; }
        total="$(counter total "$counters")"
        executed="$(counter executed "$counters")"
        notexecuted="$(counter notExecuted "$counters")"
        # (VAR=$((...)) rather than ((VAR += ...)): the latter "fails" when
        # the result is 0, which set -e would take as an error.)
        PASSED=$((PASSED + $(counter passed "$counters")))
        FAILED=$((FAILED + $(counter failed "$counters") + $(counter error "$counters") \
            + $(counter timeout "$counters") + $(counter aborted "$counters")))
        skipped=$((total - executed))
        ((skipped > 0)) || skipped="$notexecuted"
        SKIPPED=$((SKIPPED + skipped))
    done < <(find "$RESULTS" -name '*.trx' -type f -print0 2>/dev/null)
}

summary_line() {
    local line="$PASSED passed, $FAILED failed"
    ((SKIPPED > 0)) && line+=", $SKIPPED skipped"
    printf '%s\n' "$line"
}

# The browser tests drive Debian's Chromium (never a downloaded browser).
ensure_chromium() {
    [[ -x /usr/lib/chromium/chromium || -x /usr/bin/chromium ]] && return 0
    log "installing Debian's chromium for the browser tests..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
}

main() {
    local sln test_rc=0
    cd "$REPO"
    mkdir -p "$PIDS" "$LOGS"
    rm -f "$STARTED_FILE" # a stale list must not make us stop servers we did not start
    TRADEHUB_STARTED_BY="test" bash "$SERVERS" start
    # The per-service RabbitMQ users; the test rig grants them each virtual host it makes.
    bash "$SERVERS" broker_users

    ensure_chromium

    sln="$(find_solution)" || die "TradeHub.sln does not exist yet: nothing to build or test"
    dotnet build "$sln" -c Release --nologo

    export TRADEHUB_PG="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PG_PASSWORD"
    export TRADEHUB_PG_PORT="$PG_PORT" TRADEHUB_PG_PASSWORD="$PG_PASSWORD"
    export TRADEHUB_AMQP_PORT="$AMQP_PORT" TRADEHUB_RABBIT_MGMT_PORT="$RABBIT_MGMT_PORT"
    export TRADEHUB_DATA="$DATA"
    rm -rf "$RESULTS" # only this run's TRX files are counted
    # A LogFilePrefix rather than LogFileName: with a fixed file name every
    # test project of a solution writes the same file, and only the last
    # one's results survive (microsoft/vstest#3026). The prefix gives one
    # file per project.
    # One test project at a time: the end-to-end and browser projects each run the whole system on 2 cores.
    dotnet test "$sln" -c Release --no-build -m:1 \
        --logger "trx;LogFilePrefix=results" --results-directory "$RESULTS" "$@" || test_rc=$?

    count_results
    SUMMARY="$(summary_line)"
    if ((test_rc != 0 || FAILED > 0 || PASSED == 0)); then
        ((PASSED == 0 && test_rc == 0 && FAILED == 0)) && warn "no test passed (none ran?)"
        return 1
    fi
}

trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
main "$@"
