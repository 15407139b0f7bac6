using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Matching.Contracts;

namespace TradeHub.Matching.Offers;

/// <summary>
/// Asks Routing for the logistics cost table while Matching has none. Routing publishes the table when its network
/// changes and at its first start; on a fresh system that first table can go out before Matching's queue exists,
/// and trade offers would then wait for the next network change to be matched. Asked again every
/// <see cref="Interval"/> until a table is stored, so a request sent before Routing's queue existed is not the last.
/// </summary>
public sealed class LogisticsTableRequest(Outbox outbox, ILogger<LogisticsTableRequest> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RequestIfMissing(outbox, stoppingToken)) log.LogInformation("Asked Routing for the logistics cost table");
                else return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                log.LogWarning(e, "Checking for the logistics cost table failed; retrying");
            }
            try { await Task.Delay(Interval, stoppingToken); } catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Enqueues a LogisticsCostTableRequested when no table is stored; true when it did.</summary>
    internal static async Task<bool> RequestIfMissing(Outbox outbox, CancellationToken ct)
    {
        await using var tx = await outbox.Begin(ct);
        if (await tx.Connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM logistics_table)", transaction: tx.Transaction))
            return false;
        await tx.Enqueue(new LogisticsCostTableRequested { RequestedAt = DateTimeOffset.UtcNow });
        await tx.Commit(ct);
        return true;
    }
}
