using Dapper;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Common;
using TradeHub.Listings.Contracts;

namespace TradeHub.Listings.Expiry;

/// <summary>
/// Expires what has passed its date: cargo offers past deliverBy, trade offers past validUntil, capacity past
/// its departure window, bids past validUntil. Each expiry publishes its event in the same transaction;
/// SKIP LOCKED lets several instances run it side by side.
/// </summary>
public sealed class ExpiryJob(Outbox outbox, TimeProvider clock, ILogger<ExpiryJob> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private const string ExpireCargoSql = $"""
        UPDATE cargo_offers SET status = '{OfferStatus.Expired}', updated_at = now()
        WHERE id IN (SELECT id FROM cargo_offers WHERE status = '{OfferStatus.Open}' AND deliver_by < @Today LIMIT 500 FOR UPDATE SKIP LOCKED)
        RETURNING id AS Id, owner_org AS OwnerOrg
        """;

    private const string ExpireTradeSql = $"""
        UPDATE trade_offers SET status = '{OfferStatus.Expired}'
        WHERE id IN (SELECT id FROM trade_offers WHERE status = '{OfferStatus.Open}' AND valid_until < @Today LIMIT 500 FOR UPDATE SKIP LOCKED)
        RETURNING id AS Id, owner_org AS OwnerOrg
        """;

    private const string ExpireCapacitySql = $"""
        UPDATE capacity_offers SET status = '{OfferStatus.Expired}'
        WHERE id IN (SELECT id FROM capacity_offers WHERE status = '{OfferStatus.Open}' AND departure_to < @Today LIMIT 500 FOR UPDATE SKIP LOCKED)
        RETURNING id AS Id, carrier_org AS OwnerOrg
        """;

    private const string ExpireBidsSql = $"""
        UPDATE bids SET status = '{BidStatus.Expired}' WHERE status = '{BidStatus.Open}' AND valid_until < @Today;
        UPDATE bids SET status = '{BidStatus.Lost}' WHERE status = '{BidStatus.Open}'
          AND cargo_offer_id IN (SELECT id FROM cargo_offers
                                 WHERE status IN ('{OfferStatus.Expired}', '{OfferStatus.Withdrawn}', '{OfferStatus.Matched}'));
        """;

    private sealed record Expired(Guid Id, string OwnerOrg);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try { await ExpireDue(stoppingToken); }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                log.LogWarning(e, "Expiry run failed; the next run tries again");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Expires everything due today; returns how many offers expired.</summary>
    public async Task<int> ExpireDue(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var now = clock.GetUtcNow();
        await using var work = await outbox.Begin(ct);
        var (connection, tx) = work;
        var args = new { Today = today };
        var count = 0;
        foreach (var o in await connection.QueryAsync<Expired>(ExpireCargoSql, args, tx))
        {
            await work.Enqueue(new CargoOfferExpired { CargoOfferId = o.Id, OwnerOrg = o.OwnerOrg, At = now });
            count++;
        }
        foreach (var o in await connection.QueryAsync<Expired>(ExpireTradeSql, args, tx))
        {
            await work.Enqueue(new TradeOfferExpired { TradeOfferId = o.Id, OwnerOrg = o.OwnerOrg, At = now });
            count++;
        }
        foreach (var o in await connection.QueryAsync<Expired>(ExpireCapacitySql, args, tx))
        {
            await work.Enqueue(new CapacityOfferExpired { CapacityOfferId = o.Id, CarrierOrg = o.OwnerOrg, At = now });
            count++;
        }
        await connection.ExecuteAsync(ExpireBidsSql, args, tx);
        await work.Commit(ct);
        return count;
    }
}
