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
        WHERE m.offer_ids && @Ids AND m.status IN ('proposed', 'accepted') AND a IN (SELECT unnest(@Ids))
        GROUP BY a;
        SELECT offer_key FROM matches WHERE offer_key = ANY(@Keys);
        """;

    private sealed record OpenCount(Guid OfferId, int Open);

    /// <summary>
    /// The best candidates (in the order given, best first) that still have room, at most <paramref name="take"/>.
    /// What it takes is counted in <paramref name="open"/> and <paramref name="proposedBefore"/>, so several choices in
    /// one call, or in the next page of the same call, share the room.
    /// </summary>
    public static List<Proposal> Choose(IEnumerable<Proposal> best, Dictionary<Guid, int> open,
        HashSet<string> proposedBefore, int maxOpen, int take)
    {
        var chosen = new List<Proposal>();
        foreach (var p in best)
        {
            if (chosen.Count >= take) break;
            if (proposedBefore.Contains(p.OfferKey)) continue;
            if (p.Anchors.Any(a => open.GetValueOrDefault(a) >= maxOpen)) continue;
            proposedBefore.Add(p.OfferKey);
            foreach (var a in p.Anchors) open[a] = open.GetValueOrDefault(a) + 1;
            chosen.Add(p);
        }
        return chosen;
    }

    // A page's offers are looked up in the GIN index of offer_ids one by one: a thousand stay within milliseconds.
    private const int MaxPage = 1000;

    /// <summary>
    /// Reads the open proposals of the candidates' offers and chooses, a page of candidates at a time (one round trip
    /// each; what a page took counts in the next). Most candidates have room, so the first page, a few times what is
    /// wanted, usually decides: a capacity offer at a busy node fits thousands of cargo offers, and reading all their
    /// proposals in one statement took seconds.
    /// </summary>
    public static async Task<List<Proposal>> WithRoom(this OutboxTransaction tx,
        IEnumerable<Proposal> best, MatchingRules rules, int take)
    {
        var chosen = new List<Proposal>();
        var open = new Dictionary<Guid, int>();
        var proposedBefore = new HashSet<string>();
        var pageSize = take >= MaxPage / 4 ? MaxPage : Math.Max(take * 4, 32);
        using var candidates = best.GetEnumerator();
        while (chosen.Count < take)
        {
            var page = new List<Proposal>();
            while (page.Count < pageSize && candidates.MoveNext()) page.Add(candidates.Current);
            if (page.Count == 0) break;
            var ids = page.SelectMany(p => p.Anchors).Where(id => !open.ContainsKey(id)).Distinct().ToArray();
            var keys = page.Select(p => p.OfferKey).Distinct().ToArray();
            await using (var reads = await tx.Connection.QueryMultipleAsync(RoomSql, new { Ids = ids, Keys = keys }, tx.Transaction))
            {
                foreach (var id in ids) open[id] = 0;
                foreach (var c in await reads.ReadAsync<OpenCount>()) open[c.OfferId] = c.Open;
                proposedBefore.UnionWith(await reads.ReadAsync<string>());
            }
            chosen.AddRange(Choose(page, open, proposedBefore, rules.MaxOpenProposalsPerOffer, take - chosen.Count));
        }
        return chosen;
    }
}
