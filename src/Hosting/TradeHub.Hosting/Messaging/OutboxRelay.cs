using System.Diagnostics;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using TradeHub.Hosting.Background;

namespace TradeHub.Hosting.Messaging;

/// <summary>
/// Publishes outbox rows to the bus. Wakes when a transaction of this process committed events
/// (<see cref="OutboxSignal"/>) and polls as a fallback, which finds the rows of other instances (<see cref="WakeLoop"/>). Rows are locked with
/// SKIP LOCKED, so several instances share the work. Message types come from the allow-list (<see cref="OutboxTypes"/>).
/// A batch is deleted in the statement that takes it, published concurrently, and the delete commits only once every
/// publish of it is confirmed: a failure or a crash before that rolls it back, so the rows are published again
/// (consumers dedupe by MessageId).
/// </summary>
public sealed class OutboxRelay(
    NpgsqlDataSource dataSource, IBus bus, OutboxTypes types, OutboxSignal signal, ILogger<OutboxRelay> log) : BackgroundService
{
    private static readonly ActivitySource Source = new("TradeHub.Outbox");
    private static readonly TimeSpan Fallback = TimeSpan.FromSeconds(1);
    public const int BatchSize = 200;

    private sealed record Row(Guid Id, string MessageType, string Body, string? TraceParent);

    // One statement takes the batch: it locks the first rows no one else holds (SKIP LOCKED, so other instances take
    // others), once, and deletes them by their keys. The delete commits only after the publishes, so anything that
    // stops them undoes it. A generic plan (index scans of outbox_pkey whatever the batch): PostgreSQL otherwise finds
    // each custom plan cheaper than the generic one and plans the statement at every batch, which cost more server
    // time than running it (pg_stat_statements with track_planning).
    private const string TakeBatchSql = """
        SELECT set_config('plan_cache_mode', 'force_generic_plan', true);
        DELETE FROM outbox WHERE seq = ANY(ARRAY(SELECT seq FROM outbox ORDER BY seq LIMIT @BatchSize FOR UPDATE SKIP LOCKED))
        RETURNING id AS Id, message_type AS MessageType, body::text AS Body, trace_parent AS TraceParent
        """;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        WakeLoop.Run("Outbox relay", signal, Fallback, async ct => await PublishBatch(ct) == BatchSize, log, stoppingToken);

    /// <summary>Publishes one batch and returns how many rows it took.</summary>
    internal async Task<int> PublishBatch(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        List<Row> rows;
        await using (var reads = await connection.QueryMultipleAsync(TakeBatchSql, new { BatchSize }, tx))
        {
            await reads.ReadAsync(); // the setting
            rows = (await reads.ReadAsync<Row>()).AsList();
        }
        if (rows.Count == 0) return 0;

        // The whole batch is in flight at once and its delete commits only when every publish is confirmed: one
        // confirm round trip per batch instead of per row. A failed publish fails the batch, which is published again
        // (consumers dedupe by MessageId). Order within a batch is not kept; the consumers never relied on it.
        await Task.WhenAll(rows.Select(row => Publish(row, ct)));
        await tx.CommitAsync(ct);
        return rows.Count;
    }

    private async Task Publish(Row row, CancellationToken ct)
    {
        var type = types.Resolve(row.MessageType);
        var message = JsonSerializer.Deserialize(row.Body, type, Outbox.Json)!;
        // Continue the trace of the request that wrote the row, so one trace spans HTTP, outbox and consumers.
        // (An async method: the activity it starts does not become the parent of the batch's other publishes.)
        ActivityContext.TryParse(row.TraceParent, null, out var parent);
        using var activity = Source.StartActivity("outbox publish", ActivityKind.Producer, parent);
        activity?.SetTag("messaging.message.id", row.Id);
        await bus.Publish(message, type, ctx => ctx.MessageId = row.Id, ct);
    }
}
