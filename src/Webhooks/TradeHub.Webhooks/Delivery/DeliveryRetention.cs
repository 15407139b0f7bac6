using Dapper;
using Npgsql;

namespace TradeHub.Webhooks.Delivery;

/// <summary>
/// Prunes the delivery log: succeeded and failed deliveries (with their attempts) finished more than
/// <see cref="WebhooksOptions.KeepDeliveriesFor"/> ago, then the events no delivery refers to any more. Pending
/// deliveries are never touched, however old. Deletes go in chunks of rows locked with SKIP LOCKED, so several
/// instances sweep side by side and a sweep never holds the table for long.
/// </summary>
public sealed class DeliveryRetention(NpgsqlDataSource db, WebhooksOptions options, ILogger<DeliveryRetention> log)
    : BackgroundService
{
    public const int Chunk = 1000;

    private const string DeliveriesSql = """
        DELETE FROM deliveries WHERE id IN (
            SELECT id FROM deliveries
            WHERE status <> 'pending' AND completed_at < now() - @Keep
            LIMIT @Chunk FOR UPDATE SKIP LOCKED)
        """;

    // An event is kept as long as one delivery (pending, recent or a replay's) still refers to it.
    private const string EventsSql = """
        DELETE FROM webhook_events WHERE id IN (
            SELECT e.id FROM webhook_events e
            WHERE e.occurred_at < now() - @Keep AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id)
            LIMIT @Chunk FOR UPDATE SKIP LOCKED)
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.RetentionSweepInterval);
        do
        {
            try { await Sweep(stoppingToken); }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                log.LogWarning(e, "Pruning webhook deliveries failed; the next sweep tries again");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One sweep; returns the deliveries and events it deleted.</summary>
    public async Task<(int Deliveries, int Events)> Sweep(CancellationToken ct)
    {
        var args = new { Keep = options.KeepDeliveriesFor, Chunk };
        int deliveries = 0, events = 0, deleted;
        await using var connection = await db.OpenConnectionAsync(ct);
        do deliveries += deleted = await connection.ExecuteAsync(new CommandDefinition(DeliveriesSql, args, cancellationToken: ct));
        while (deleted == Chunk);
        do events += deleted = await connection.ExecuteAsync(new CommandDefinition(EventsSql, args, cancellationToken: ct));
        while (deleted == Chunk);
        if (deliveries + events > 0)
            log.LogInformation("Pruned {Deliveries} webhook deliveries and {Events} events finished more than {Keep} ago",
                deliveries, events, options.KeepDeliveriesFor);
        return (deliveries, events);
    }
}
