using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Matching.CargoMatching;
using TradeHub.Matching.Contracts;
using TradeHub.Matching.Offers;

namespace TradeHub.Matching.Matches;

/// <summary>
/// Proposals lapse: one left undecided for <see cref="MatchingRules.ProposalLifetime"/>, or one of whose offers is no
/// longer valid (a trade offer past its valid-until day, a cargo offer past its deliver-by day, a capacity offer past
/// its departure window), becomes <c>expired</c>, its parties hear it (<see cref="MatchExpired"/>, through the outbox
/// in the same transaction) and the places it held go to the offers' next best (<see cref="Partitions.Refill"/>).
/// Undecided proposals would otherwise hold their offers' few places for good. Rows are taken with SKIP LOCKED, so
/// several instances sweep side by side without expiring a proposal twice.
/// </summary>
public sealed class ProposalExpiry(Outbox outbox, Partitions partitions, MatchingRules rules, TimeProvider clock,
    ILogger<ProposalExpiry> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    /// <summary>Proposals expired per transaction: a short hold on the rows, a bounded refill after each.</summary>
    public const int Chunk = 100;

    private const string Expire = """
        UPDATE matches m SET status = 'expired', decline_reason = due.reason, decided_at = now()
        FROM due WHERE m.id = due.id
        RETURNING m.id, m.kind, m.offer_ids AS OfferIds, m.party_orgs AS PartyOrgs, m.decline_reason AS Reason
        """;

    // Offers past their days first (a few, by their dates), then the open proposals that hold one (GIN of offer_ids).
    private const string ExpireInvalidSql = $"""
        WITH ended AS (
            SELECT id, 'the trade offer ' || id || ' was valid until ' || valid_until AS reason
            FROM trade_offers WHERE status = 'open' AND valid_until < @Today
            UNION ALL
            SELECT id, 'the cargo offer ' || id || ' was to be delivered by ' || deliver_by
            FROM cargo_offers WHERE status = 'open' AND deliver_by < @Today
            UNION ALL
            SELECT id, 'the capacity offer ' || id || ' departed by ' || departure_to
            FROM capacity_offers WHERE status = 'open' AND departure_to < @Today),
        due AS (
            SELECT m.id, (SELECT e.reason FROM ended e WHERE e.id = ANY(m.offer_ids) LIMIT 1) AS reason
            FROM matches m
            WHERE m.offer_ids && ARRAY(SELECT id FROM ended) AND m.status IN ('proposed', 'accepted')
            LIMIT @Chunk FOR UPDATE OF m SKIP LOCKED)
        {Expire}
        """;

    private const string ExpireOldSql = $"""
        WITH due AS (
            SELECT id, @Reason AS reason FROM matches
            WHERE proposed_at < @Cutoff AND status IN ('proposed', 'accepted')
            LIMIT @Chunk FOR UPDATE SKIP LOCKED)
        {Expire}
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try { await ExpireDue(stoppingToken); }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                log.LogWarning(e, "Expiring proposals failed; the next run tries again");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Expires every proposal that is due, then offers their places to the next best; returns how many expired.</summary>
    public async Task<int> ExpireDue(CancellationToken ct = default)
    {
        var total = 0;
        foreach (var (sql, args) in Sweeps())
        {
            while (true)
            {
                var expired = await ExpireChunk(sql, args, ct);
                total += expired.Count;
                if (expired.Count > 0)
                    await partitions.Refill(Proposals.FreedBy(expired), DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), ct);
                if (expired.Count < Chunk) break;
            }
        }
        return total;
    }

    private IEnumerable<(string Sql, object Args)> Sweeps()
    {
        var now = clock.GetUtcNow();
        yield return (ExpireInvalidSql, new { Today = DateOnly.FromDateTime(now.UtcDateTime), Chunk });
        var lifetime = rules.ProposalLifetime;
        yield return (ExpireOldSql, new
        {
            Cutoff = now - lifetime, Chunk,
            Reason = $"no decision within {(lifetime.TotalHours % 24 == 0 ? $"{lifetime.TotalDays:0} days" : $"{lifetime.TotalHours:0.#} hours")} of the proposal",
        });
    }

    private static async Task<List<Proposals.Declined>> ExpireChunkOn(OutboxTransaction tx,
        string sql, object args, DateTimeOffset at)
    {
        var expired = (await tx.Connection.QueryAsync<Proposals.Declined>(sql, args, tx.Transaction)).AsList();
        await tx.EnqueueAll(expired.Select(e => new MatchExpired
        {
            MatchId = e.Id, Kind = e.Kind, OfferIds = e.OfferIds, PartyOrgs = e.PartyOrgs, Reason = e.Reason ?? "",
            ExpiredAt = at,
        }).ToList());
        return expired;
    }

    private async Task<List<Proposals.Declined>> ExpireChunk(string sql, object args, CancellationToken ct)
    {
        await using var tx = await outbox.Begin(ct);
        var expired = await ExpireChunkOn(tx, sql, args, clock.GetUtcNow());
        if (expired.Count == 0) return expired;
        await tx.Commit(ct);
        return expired;
    }
}
