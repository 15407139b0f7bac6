#!/usr/bin/env bash
# The long form of the kill test: two instances of every service under a steady load for
# TRADEHUB_CHAOS_SECONDS (default 300), each instance killed with kill -9 in turn, RabbitMQ and
# PostgreSQL restarted once; then the invariants (nothing lost, nothing twice, outboxes drained,
# error queues empty). The short form runs in deploy/local/test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export TRADEHUB_CHAOS_SECONDS="${TRADEHUB_CHAOS_SECONDS:-300}"
exec deploy/local/test.sh --filter "FullyQualifiedName~TradeHub.Reliability.Tests" "$@"
