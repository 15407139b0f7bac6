using Dapper;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Matching.CargoMatching;

namespace TradeHub.Matching.Matches;

/// <summary>
/// Chooses what to propose with the cap on open proposals applied while choosing: a candidate whose offers already
/// hold <see cref="MatchingRules.MaxOpenProposalsPerOffer"/> open proposals (or that was proposed before) is skipped
/// and the next best taken. Choosing the best few and letting the insert refuse the saturated ones left a new offer in
/// a liquid market with nothing, because the best counterparts there are the ones everybody else was proposed first.
/// </summary>
public static class ProposalRoom
{
    // The GIN index of offer_ids finds the open proposals of the candidates' offers; offer_key's unique index the
    // matches proposed before (a declined match is never proposed again).
    private const string RoomSql = """
        SELECT a AS OfferId, count(*)::int AS Open
        FROM matches m CROSS JOIN LATERAL unnest(m.offer_ids) AS a
        WHERE m.offer_ids && @Ids AND m.status IN ('proposed', 'accepted') AND a = ANY(@Ids)
        GROUP BY a;
        SELECT offer_key FROM matches WHERE offer_key = ANY(@Keys);
        """;

    private sealed record OpenCount(Guid OfferId, int Open);

    /// <summary>
    /// The best candidates (in the order given, best first) that still have room, at most <paramref name="take"/>;
    /// counts what it takes, so several choices in one call share the room.
    /// </summary>
    public static List<Proposal> Choose(IEnumerable<Proposal> best, IReadOnlyDictionary<Guid, int> open,
        IReadOnlySet<string> proposedBefore, int maxOpen, int take)
    {
        var counts = new Dictionary<Guid, int>(open);
        var chosen = new List<Proposal>();
        var keys = new HashSet<string>(proposedBefore);
        foreach (var p in best)
        {
            if (chosen.Count >= take) break;
            if (!keys.Add(p.OfferKey)) continue;
            if (p.Anchors.Any(a => counts.GetValueOrDefault(a) >= maxOpen)) continue;
            foreach (var a in p.Anchors) counts[a] = counts.GetValueOrDefault(a) + 1;
            chosen.Add(p);
        }
        return chosen;
    }

    /// <summary>Reads the open proposals of the candidates' offers (one round trip) and chooses.</summary>
    public static async Task<List<Proposal>> WithRoom(this OutboxTransaction tx,
        IReadOnlyList<Proposal> best, MatchingRules rules, int take)
    {
        if (best.Count == 0 || take <= 0) return [];
        var ids = best.SelectMany(p => p.Anchors).Distinct().ToArray();
        var keys = best.Select(p => p.OfferKey).Distinct().ToArray();
        await using var reads = await tx.Connection.QueryMultipleAsync(RoomSql, new { Ids = ids, Keys = keys }, tx.Transaction);
        var open = (await reads.ReadAsync<OpenCount>()).ToDictionary(c => c.OfferId, c => c.Open);
        var before = (await reads.ReadAsync<string>()).ToHashSet();
        return Choose(best, open, before, rules.MaxOpenProposalsPerOffer, take);
    }
}
