using System.Diagnostics;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace TradeHub.Hosting.Messaging;

/// <summary>
/// Publishes outbox rows to the bus. Wakes on NOTIFY from the committing transaction and polls only
/// as a fallback. Rows are locked with SKIP LOCKED, so several instances share the work; a row is
/// deleted only after the broker confirmed it, so a crash publishes it again (consumers dedupe by MessageId).
/// A batch is published concurrently and deleted once every publish of it is confirmed.
/// </summary>
public sealed class OutboxRelay(NpgsqlDataSource dataSource, IBus bus, ILogger<OutboxRelay> log) : BackgroundService
{
    private static readonly ActivitySource Source = new("TradeHub.Outbox");
    private static readonly TimeSpan Fallback = TimeSpan.FromSeconds(2);
    public const int BatchSize = 200;

    private sealed record Row(long Seq, Guid Id, string MessageType, string Body, string? TraceParent);

    private const string LockBatchSql = """
        SELECT seq AS Seq, id AS Id, message_type AS MessageType, body::text AS Body, trace_parent AS TraceParent
        FROM outbox ORDER BY seq LIMIT @BatchSize FOR UPDATE SKIP LOCKED
        """;

    private const string DeleteSql = "DELETE FROM outbox WHERE seq = ANY(@Seqs)";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var listener = await dataSource.OpenConnectionAsync(stoppingToken);
                await listener.ExecuteAsync($"LISTEN {Outbox.Channel}");
                while (!stoppingToken.IsCancellationRequested)
                {
                    while (await PublishBatch(stoppingToken) == BatchSize) { }
                    failures = 0;
                    await listener.WaitAsync(Fallback, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Database or broker away: back off and try again; the rows wait in the table.
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(5000, 100 * Math.Pow(2, Math.Min(failures, 6))));
                log.LogWarning(e, "Outbox relay failed ({Failures} in a row); retrying in {Delay}", failures, delay);
                try { await Task.Delay(delay, stoppingToken); } catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>Publishes one batch and returns how many rows it took.</summary>
    internal async Task<int> PublishBatch(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var rows = (await connection.QueryAsync<Row>(LockBatchSql, new { BatchSize }, tx)).AsList();
        if (rows.Count == 0) return 0;

        // The whole batch is in flight at once and the rows go only when every publish is confirmed: one confirm
        // round trip per batch instead of per row. A failed publish fails the batch, which is published again
        // (consumers dedupe by MessageId). Order within a batch is not kept; the consumers never relied on it.
        await Task.WhenAll(rows.Select(row => Publish(row, ct)));

        await connection.ExecuteAsync(DeleteSql, new { Seqs = rows.Select(r => r.Seq).ToArray() }, tx);
        await tx.CommitAsync(ct);
        return rows.Count;
    }

    private async Task Publish(Row row, CancellationToken ct)
    {
        var type = Type.GetType(row.MessageType, throwOnError: true)!;
        var message = JsonSerializer.Deserialize(row.Body, type, Outbox.Json)!;
        // Continue the trace of the request that wrote the row, so one trace spans HTTP, outbox and consumers.
        // (An async method: the activity it starts does not become the parent of the batch's other publishes.)
        ActivityContext.TryParse(row.TraceParent, null, out var parent);
        using var activity = Source.StartActivity("outbox publish", ActivityKind.Producer, parent);
        activity?.SetTag("messaging.message.id", row.Id);
        await bus.Publish(message, type, ctx => ctx.MessageId = row.Id, ct);
    }
}
