using Dapper;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Matching.Contracts;
using TradeHub.Matching.Flows;
using TradeHub.Matching.Offers;

namespace TradeHub.Matching.Matches;

/// <summary>The outcome of a party's decision: the match now, or why not (404 not a party, 409 state).</summary>
public sealed record Decision(MatchRow? Match, int Status, string? Problem)
{
    /// <summary>Offers whose proposals this decision declined: their places are free for their next best.</summary>
    public IReadOnlyList<Freed> Freed { get; init; } = [];
}

/// <summary>
/// proposed -> accepted (by some parties) -> confirmed (by all) | declined | expired (<see cref="ProposalExpiry"/>). Confirming reserves room on every capacity
/// offer of the match (never below zero, else 409), marks the cargo or trade offers matched, declines their other open
/// proposals and records the flow; all events leave through the outbox in the same transaction.
/// </summary>
public static class MatchLifecycle
{
    private const string LockSql = $"SELECT {MatchRow.Columns} FROM matches WHERE id = @Id FOR UPDATE";

    private const string AcceptSql = """
        UPDATE matches SET accepted_by = array_append(accepted_by, @Org), status = @Status,
               decided_at = CASE WHEN @Status = 'confirmed' THEN now() ELSE decided_at END
        WHERE id = @Id
        """;

    private const string DeclineSql = """
        UPDATE matches SET status = 'declined', decline_reason = @Reason, decided_at = now() WHERE id = @Id
        """;

    private const string ReserveSql = """
        UPDATE capacity_offers SET containers = containers - @Containers, changed_xid = pg_current_xact_id()
        WHERE id = @Id AND status = 'open' AND containers >= @Containers
        """;

    private const string CloseCargoSql = """
        UPDATE cargo_offers SET status = 'matched', changed_xid = pg_current_xact_id() WHERE id = ANY(@Ids) AND status = 'open';
        UPDATE trade_offers SET status = 'matched', changed_xid = pg_current_xact_id() WHERE id = ANY(@Ids) AND status = 'open';
        INSERT INTO offer_closures (offer_id, status) SELECT unnest(@Ids), 'matched' ON CONFLICT DO NOTHING;
        """;


    public static async Task<Decision> Accept(Outbox outbox, Guid id, string org, CancellationToken ct)
    {
        await using var work = await outbox.Begin(ct);
        var (connection, tx) = work;
        // A confirmation reserves capacity and closes offers, which the partition's index holds: it takes the
        // partition's turn (before any row it locks, as the partition's batches do), and the version it bumps tells
        // the partition's owner to catch up. Taken on every accept, since which accept confirms is known only below.
        var match = await connection.QuerySingleOrDefaultAsync<MatchRow>($"{Partitions.BumpForMatchSql};\n{LockSql}", new { Id = id }, tx);
        if (match is null || !match.PartyOrgs.Contains(org)) return NotFound();
        if (match.Status is MatchStatuses.Declined or MatchStatuses.Confirmed or MatchStatuses.Expired)
            return new Decision(match, 409, $"The match is already {match.Status}.");
        if (match.AcceptedBy.Contains(org)) return new Decision(match, 200, null);

        var accepted = match.AcceptedBy.Append(org).ToHashSet();
        var confirmed = match.PartyOrgs.All(accepted.Contains);
        List<Proposals.Declined> declined = [];
        if (confirmed)
        {
            var (problem, others) = await Confirm(work, match);
            if (problem is not null)
            {
                // The match can never be confirmed now: it is declined at once, so its parties hear it and its
                // cargo offer's place goes to the next best chain.
                var dead = await DeclineDead(outbox, id, problem, ct);
                return new Decision(dead?.Match ?? match, 409, problem) { Freed = dead?.Freed ?? [] };
            }
            declined = others;
        }
        await connection.ExecuteAsync(AcceptSql,
            new { Id = id, Org = org, Status = confirmed ? MatchStatuses.Confirmed : MatchStatuses.Accepted }, tx);
        var after = await connection.QuerySingleAsync<MatchRow>(LockSql, new { Id = id }, tx);
        await work.Commit(ct);
        var closed = after.OfferIds.ToHashSet();
        return new Decision(after, 200, null)
        {
            Freed = Proposals.FreedBy(declined)
                .Select(f => f with { OfferIds = f.OfferIds.Where(o => !closed.Contains(o)).ToList() })
                .Where(f => f.OfferIds.Count > 0).ToList(),
        };
    }

    /// <summary>Declines a match whose capacity is gone, with the reason; null when it was decided meanwhile.</summary>
    private static async Task<Decision?> DeclineDead(Outbox outbox, Guid id, string reason, CancellationToken ct)
    {
        await using var work = await outbox.Begin(ct);
        var (connection, tx) = work;
        var match = await connection.QuerySingleOrDefaultAsync<MatchRow>(LockSql, new { Id = id }, tx);
        if (match is null || match.Status is MatchStatuses.Declined or MatchStatuses.Confirmed or MatchStatuses.Expired) return null;
        await connection.ExecuteAsync(DeclineSql, new { Id = id, Reason = reason }, tx);
        await work.Enqueue(new MatchDeclined
        {
            MatchId = id, Kind = match.Kind, OfferIds = match.OfferIds, PartyOrgs = match.PartyOrgs, Reason = reason,
            DeclinedAt = DateTimeOffset.UtcNow,
        });
        var after = await connection.QuerySingleAsync<MatchRow>(LockSql, new { Id = id }, tx);
        await work.Commit(ct);
        return new Decision(after, 409, reason)
        {
            Freed = Proposals.FreedBy([new Proposals.Declined { Id = id, Kind = match.Kind, OfferIds = match.OfferIds }]),
        };
    }

    public static async Task<Decision> Decline(Outbox outbox, Guid id, string org, CancellationToken ct)
    {
        await using var work = await outbox.Begin(ct);
        var (connection, tx) = work;
        var match = await connection.QuerySingleOrDefaultAsync<MatchRow>(LockSql, new { Id = id }, tx);
        if (match is null || !match.PartyOrgs.Contains(org)) return NotFound();
        if (match.Status is MatchStatuses.Declined or MatchStatuses.Confirmed or MatchStatuses.Expired)
            return new Decision(match, 409, $"The match is already {match.Status}.");
        var reason = $"declined by {org}";
        await connection.ExecuteAsync(DeclineSql, new { Id = id, Reason = reason }, tx);
        await work.Enqueue(new MatchDeclined
        {
            MatchId = id, Kind = match.Kind, OfferIds = match.OfferIds, PartyOrgs = match.PartyOrgs, Reason = reason,
            DeclinedAt = DateTimeOffset.UtcNow,
        });
        var after = await connection.QuerySingleAsync<MatchRow>(LockSql, new { Id = id }, tx);
        await work.Commit(ct);
        return new Decision(after, 200, null);
    }

    /// <summary>
    /// Reserves, closes and announces; returns the conflict when a capacity offer lacks room, else the other proposals
    /// it declined (those of the closed offers, and those that no longer fit the room left).
    /// </summary>
    private static async Task<(string? Problem, List<Proposals.Declined> Declined)> Confirm(OutboxTransaction work,
        MatchRow match)
    {
        var (connection, tx) = work;
        var now = DateTimeOffset.UtcNow;
        var legs = match.MatchedLegs;
        foreach (var leg in legs)
        {
            var reserved = await connection.ExecuteAsync(ReserveSql, new { Id = leg.CapacityOfferId, leg.Containers }, tx);
            if (reserved == 0)
            {
                await tx.RollbackAsync();
                return ($"Capacity offer {leg.CapacityOfferId} no longer has room for {leg.Containers} containers.", []);
            }
            await work.Enqueue(new CapacityReserved
            {
                CapacityOfferId = leg.CapacityOfferId, MatchId = match.Id, Containers = leg.Containers, At = now,
            });
        }

        // The shipment or the goods are taken; capacity offers keep whatever room is left.
        var capacityIds = legs.Select(l => l.CapacityOfferId).ToHashSet();
        var closed = match.OfferIds.Where(o => !capacityIds.Contains(o)).ToArray();
        await connection.ExecuteAsync(CloseCargoSql, new { Ids = closed }, tx);
        var declined = new List<Proposals.Declined>();
        foreach (var offerId in closed)
            declined.AddRange(await work.DeclineOpenFreeing(offerId, "an offer of this match was matched in another match", match.Id));
        if (capacityIds.Count > 0)
            declined.AddRange(await work.DeclineWithoutRoom(capacityIds, match.Id));

        await work.Enqueue(new MatchConfirmed
        {
            MatchId = match.Id, Kind = match.Kind, OfferIds = match.OfferIds, PartyOrgs = match.PartyOrgs, Legs = legs,
            Origin = match.Origin, Destination = match.Destination, Corridor = match.Corridor, Mode = match.Mode,
            HsCode = match.HsCode, Containers = match.Containers, WeightKg = match.WeightKg, ConfirmedAt = now,
        });
        await connection.RecordFlow(tx, new Flow(match.Id, "match", match.Origin, match.Destination, match.Corridor,
            match.Mode, match.HsCode, match.Containers, match.WeightKg, now));
        return (null, declined);
    }

    private static Decision NotFound() => new(null, 404, "No such match among yours.");
}
