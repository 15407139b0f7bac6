using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using TradeHub.Hosting.Messaging;
using TradeHub.Matching.CargoMatching;
using TradeHub.Matching.Contracts;
using TradeHub.Matching.Offers;
using TradeHub.Matching.TradeMatching;

namespace TradeHub.Matching.Matches;

/// <summary>Match kinds as they appear on the wire.</summary>
public static class MatchKinds
{
    public const string CargoCapacity = "cargo-capacity";
    public const string Trade = "trade";
}

/// <summary>Match statuses as they appear on the wire.</summary>
public static class MatchStatuses
{
    public const string Proposed = "proposed";
    public const string Accepted = "accepted";
    public const string Confirmed = "confirmed";
    public const string Declined = "declined";
    /// <summary>Lapsed: undecided for too long, or an offer's validity ended.</summary>
    public const string Expired = "expired";
    public static readonly IReadOnlyList<string> All = [Proposed, Accepted, Confirmed, Declined, Expired];
}

/// <summary>A match about to be proposed: what is stored and what the flows need once it is confirmed.</summary>
public sealed record Proposal(
    string Kind, IReadOnlyList<Guid> OfferIds, IReadOnlyList<Guid> Anchors, IReadOnlyList<string> PartyOrgs, double Score,
    IReadOnlyList<string> Explanation, IReadOnlyList<MatchedLeg> Legs, string? RouteId, string? RouteSummary,
    string? RouteSignature, decimal? PriceAmount, string? PriceCurrency, string Origin, string Destination, string Corridor,
    string Mode, string? HsCode, int Containers, decimal WeightKg)
{
    /// <summary>What only the first party (the shipper of a cargo match) sees: the score and notes against its target.</summary>
    public double? OwnerScore { get; init; }
    public IReadOnlyList<string> OwnerNotes { get; init; } = [];

    /// <summary>Kind and sorted offer ids: equal for the same match however it was found.</summary>
    public string OfferKey => Kind + ":" + string.Join(',', OfferIds.Order());

    public static Proposal From(CargoMatch match)
    {
        var chain = match.Chain;
        var cargo = chain.Cargo;
        var legs = chain.Segments.Select(s => new MatchedLeg
        {
            CapacityOfferId = s.Capacity.Id,
            CarrierOrg = s.Capacity.CarrierOrg,
            From = s.Capacity.From,
            To = s.Capacity.To,
            Mode = s.Capacity.Mode,
            Containers = cargo.Containers,
        }).ToList();
        return new Proposal(MatchKinds.CargoCapacity, chain.OfferIds, [cargo.Id],
            [cargo.OwnerOrg, .. legs.Select(l => l.CarrierOrg).Where(o => o != cargo.OwnerOrg).Distinct()],
            match.Score, match.Explanation, legs, chain.Route.RouteId, chain.Route.Summary, Signature(chain.Route),
            match.Price, match.Currency, chain.Route.Origin, chain.Route.Destination, chain.Route.Corridor,
            chain.Route.MainMode, cargo.HsCode, cargo.Containers, cargo.WeightKg)
        { OwnerScore = match.OwnerScore, OwnerNotes = match.OwnerNotes };
    }

    public static Proposal From(TradeMatch match) => new(
        MatchKinds.Trade, match.OfferIds, match.OfferIds, [match.Seller.OwnerOrg, match.Buyer.OwnerOrg], match.Score,
        match.Explanation, [], null, match.Landed.RouteSummary, null, match.Landed.PerUnit, match.Seller.Currency,
        match.Seller.City, match.Buyer.City, "", "", match.Buyer.HsCode, match.Landed.Containers,
        LandedCost.WeightKg(match.Quantity, match.Seller.Unit));

    /// <summary>The legs' nodes and modes: a re-routing that keeps them keeps the proposal.</summary>
    public static string Signature(CargoRoute route) => string.Join('|', route.Legs.Select(l => $"{l.From}>{l.To}:{l.Mode}"));
}

/// <summary>Offers of one kind of match whose places were freed.</summary>
public sealed record Freed(string Kind, IReadOnlyList<Guid> OfferIds);

/// <summary>Stores proposals (once per offer set, at most a few open per offer) and announces them through the outbox.</summary>
public static class Proposals
{
    // The match and its MatchProposed go in one statement: the event row is written only when the match was.
    private static readonly string InsertSql = Outbox.WithEvent("""
            INSERT INTO matches (id, kind, status, score, explanation, offer_ids, offer_key, party_orgs, legs, route_id,
                                 route_summary, route_signature, price_amount, price_currency, origin, destination, corridor,
                                 mode, hs_code, containers, weight_kg, owner_score, owner_notes)
            SELECT @Id, @Kind, 'proposed', @Score, @Explanation, @OfferIds, @OfferKey, @PartyOrgs, CAST(@Legs AS jsonb), @RouteId,
                   @RouteSummary, @RouteSignature, @PriceAmount, @PriceCurrency, @Origin, @Destination, @Corridor,
                   @Mode, @HsCode, @Containers, @WeightKg, @OwnerScore, @OwnerNotes
            WHERE NOT EXISTS (SELECT 1 FROM offer_closures WHERE offer_id = ANY(@OfferIds))
              AND NOT EXISTS (
                  SELECT 1 FROM unnest(@Anchors) AS a(offer_id)
                  WHERE (SELECT count(*) FROM matches m
                         WHERE m.offer_ids @> ARRAY[a.offer_id] AND m.status IN ('proposed', 'accepted')) >= @MaxOpen)
            ON CONFLICT (offer_key) DO NOTHING
            """);

    // Without sequential scans the generic plan keeps to the indexes (offer_closures' key, the GIN of offer_ids);
    // with them, it scanned all of offer_closures while that table is small, for every proposal of an open offer.
    private const string GenericPlansSql =
        "SELECT set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_seqscan', 'off', true)";
    private const string DefaultPlansSql =
        "SELECT set_config('plan_cache_mode', 'auto', true), set_config('enable_seqscan', 'on', true)";

    /// <summary>
    /// Proposes the given matches, best first; returns how many were new. All of them go in one round trip (a batch of
    /// statements run in order, so each sees the ones before it when counting an offer's open proposals).
    /// </summary>
    public static async Task<int> Propose(this OutboxTransaction tx,
        IEnumerable<Proposal> proposals, MatchingRules rules, bool ordered = false)
    {
        await using var batch = new NpgsqlBatch(tx.Connection, tx.Transaction);
        var inserts = new List<NpgsqlBatchCommand>();
        foreach (var p in ordered ? proposals : proposals.OrderByDescending(p => p.OwnerScore ?? p.Score))
        {
            var id = Guid.CreateVersion7();
            var proposed = tx.Event(new MatchProposed
            {
                MatchId = id,
                Kind = p.Kind,
                OfferIds = p.OfferIds,
                PartyOrgs = p.PartyOrgs,
                Score = p.Score,
                Explanation = p.Explanation,
                Legs = p.Legs,
                ProposedAt = DateTimeOffset.UtcNow,
            });
            var insert = new NpgsqlBatchCommand(InsertSql);
            var args = insert.Parameters;
            args.Add(new NpgsqlParameter<Guid>("Id", id));
            args.Add(new NpgsqlParameter<string>("Kind", p.Kind));
            args.Add(new NpgsqlParameter<double>("Score", p.Score));
            args.Add(new NpgsqlParameter<string[]>("Explanation", p.Explanation.ToArray()));
            args.Add(new NpgsqlParameter<Guid[]>("OfferIds", p.OfferIds.ToArray()));
            args.Add(new NpgsqlParameter<string>("OfferKey", p.OfferKey));
            args.Add(new NpgsqlParameter<string[]>("PartyOrgs", p.PartyOrgs.ToArray()));
            args.Add(new NpgsqlParameter<string>("Legs", JsonSerializer.Serialize(p.Legs, OpenOffers.Json)));
            args.Add(Text("RouteId", p.RouteId));
            args.Add(Text("RouteSummary", p.RouteSummary));
            args.Add(Text("RouteSignature", p.RouteSignature));
            args.Add(new NpgsqlParameter("PriceAmount", NpgsqlDbType.Numeric) { Value = (object?)p.PriceAmount ?? DBNull.Value });
            args.Add(Text("PriceCurrency", p.PriceCurrency));
            args.Add(new NpgsqlParameter<string>("Origin", p.Origin));
            args.Add(new NpgsqlParameter<string>("Destination", p.Destination));
            args.Add(new NpgsqlParameter<string>("Corridor", p.Corridor));
            args.Add(new NpgsqlParameter<string>("Mode", p.Mode));
            args.Add(Text("HsCode", p.HsCode));
            args.Add(new NpgsqlParameter<int>("Containers", p.Containers));
            args.Add(new NpgsqlParameter<decimal>("WeightKg", p.WeightKg));
            args.Add(new NpgsqlParameter("OwnerScore", NpgsqlDbType.Double) { Value = (object?)p.OwnerScore ?? DBNull.Value });
            args.Add(new NpgsqlParameter<string[]>("OwnerNotes", p.OwnerNotes.ToArray()));
            args.Add(new NpgsqlParameter<Guid[]>("Anchors", p.Anchors.ToArray()));
            args.Add(new NpgsqlParameter<int>("MaxOpen", rules.MaxOpenProposalsPerOffer));
            proposed.AddTo(args);
            inserts.Add(insert);
        }
        if (inserts.Count == 0) return 0;
        // The insert's generic plan (index scans, GIN bitmap scans for the open-proposal counts) is planned once per
        // connection. Left to choose, PostgreSQL found each custom plan cheaper and planned the insert at every
        // proposal: 0.28 ms of server time each, more than running it (pg_stat_statements, track_planning).
        batch.BatchCommands.Add(new NpgsqlBatchCommand(GenericPlansSql));
        foreach (var insert in inserts) batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(DefaultPlansSql));
        await batch.ExecuteNonQueryAsync();
        return inserts.Sum(insert => insert.RecordsAffected); // the event row: 1 when proposed
    }

    private static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    /// <summary>A proposal declined (or expired) without a party's word: whose places it held and why it went.</summary>
    public sealed class Declined
    {
        public Guid Id { get; init; }
        public string Kind { get; init; } = "";
        public Guid[] OfferIds { get; init; } = [];
        public string[] PartyOrgs { get; init; } = [];
        public string? Reason { get; init; }

        /// <summary>The offers whose places it held: the cargo offer (listed first) or both trade offers.</summary>
        public IEnumerable<Guid> Anchors => Kind == MatchKinds.CargoCapacity ? OfferIds.Take(1) : OfferIds;
    }

    /// <summary>Offers with a place freed, by kind, to be proposed their next best (<see cref="Partitions.Refill"/>).</summary>
    public static IReadOnlyList<Freed> FreedBy(IEnumerable<Declined> declined) => declined
        .GroupBy(d => d.Kind)
        .Select(g => new Freed(g.Key, g.SelectMany(d => d.Anchors).Distinct().ToList()))
        .ToList();

    // The open proposals on the given capacity offers whose legs need more containers than are left: another
    // confirmation took the room. Declined at once, each with the room its leg lacked.
    private const string DeclineWithoutRoomSql = """
        UPDATE matches m SET status = 'declined', decline_reason = dead.reason, decided_at = now()
        FROM (SELECT o.id,
                     (SELECT 'capacity offer ' || c.id || ' no longer has room for ' || (l->>'containers') || ' containers ('
                             || c.containers || ' left after another match was confirmed)'
                      FROM jsonb_array_elements(o.legs) AS l JOIN capacity_offers c ON c.id = (l->>'capacityOfferId')::uuid
                      WHERE c.id = ANY(@CapacityIds) AND (l->>'containers')::int > c.containers
                      LIMIT 1) AS reason
              FROM matches o
              WHERE o.offer_ids && @CapacityIds AND o.status IN ('proposed', 'accepted') AND o.id <> @Except
              FOR UPDATE OF o) AS dead
        WHERE m.id = dead.id AND dead.reason IS NOT NULL
        RETURNING m.id, m.kind, m.offer_ids AS OfferIds, m.party_orgs AS PartyOrgs, m.decline_reason AS Reason
        """;

    /// <summary>
    /// After room was taken from capacity offers: their open proposals that no longer fit are declined with the reason,
    /// and the parties told. Returns them, so their cargo offers can be proposed their next best chains.
    /// </summary>
    public static async Task<List<Declined>> DeclineWithoutRoom(this OutboxTransaction tx,
        IReadOnlyCollection<Guid> capacityIds, Guid except)
    {
        var declined = (await tx.Connection.QueryAsync<Declined>(DeclineWithoutRoomSql,
            new { CapacityIds = capacityIds.ToArray(), Except = except }, tx.Transaction)).AsList();
        await Announce(tx, declined, "");
        return declined;
    }

    /// <summary>
    /// Open proposals are declined this many at a time, each chunk announced before the next is read: an offer
    /// with thousands of proposals (a big capacity offer on a busy lane) no longer holds them all in memory at once.
    /// </summary>
    public const int DeclineChunk = 500;

    // The rows are locked in the subquery, which re-checks its conditions on a row changed meanwhile (read
    // committed): a chunk comes back short only when nothing more is open.
    private const string DeclineOpenSql = """
        UPDATE matches m SET status = 'declined', decline_reason = @Reason, decided_at = now()
        FROM (SELECT id FROM matches WHERE offer_ids @> ARRAY[@OfferId] AND status IN ('proposed', 'accepted')
              AND id <> @Except LIMIT @Chunk FOR UPDATE) AS open
        WHERE m.id = open.id
        RETURNING m.id, m.kind, m.offer_ids AS OfferIds, m.party_orgs AS PartyOrgs
        """;

    private const string DeclineOffRouteSql = """
        UPDATE matches m SET status = 'declined', decline_reason = @Reason, decided_at = now()
        FROM (SELECT id FROM matches WHERE offer_ids @> ARRAY[@OfferId] AND kind = 'cargo-capacity'
              AND status IN ('proposed', 'accepted') AND NOT (route_signature = ANY(@Signatures))
              LIMIT @Chunk FOR UPDATE) AS open
        WHERE m.id = open.id
        RETURNING m.id, m.kind, m.offer_ids AS OfferIds, m.party_orgs AS PartyOrgs
        """;

    /// <summary>After a re-routing (a disruption): proposals along a route the cargo no longer has are declined.</summary>
    public static Task<int> DeclineOffRoute(this OutboxTransaction tx, Guid cargoId,
        IReadOnlyList<CargoRoute> routes, int chunk = DeclineChunk) =>
        Decline(tx, DeclineOffRouteSql, OffRoute, chunk, new
        {
            OfferId = cargoId, Reason = OffRoute, Signatures = routes.Select(Proposal.Signature).ToArray(), Chunk = chunk,
        });

    private const string OffRoute = "the route of this match is no longer among the cargo offer's routes";

    /// <summary>Declines the open proposals that include an offer which went away; tells the parties why.</summary>
    public static async Task<int> DeclineOpen(this OutboxTransaction tx, Guid offerId,
        string reason, Guid? except = null, int chunk = DeclineChunk) =>
        (await tx.DeclineOpenFreeing(offerId, reason, except, chunk)).Count;

    /// <summary>As <see cref="DeclineOpen"/>; returns what was declined, whose other offers have a place free again.</summary>
    public static Task<List<Declined>> DeclineOpenFreeing(this OutboxTransaction tx,
        Guid offerId, string reason, Guid? except = null, int chunk = DeclineChunk) =>
        DeclineAll(tx, DeclineOpenSql, reason, chunk,
            new { OfferId = offerId, Reason = reason, Except = except ?? Guid.Empty, Chunk = chunk });

    private static async Task<int> Decline(OutboxTransaction tx, string sql, string reason,
        int chunk, object parameters) => (await DeclineAll(tx, sql, reason, chunk, parameters)).Count;

    private static async Task<List<Declined>> DeclineAll(OutboxTransaction tx, string sql,
        string reason, int chunk, object parameters)
    {
        var all = new List<Declined>();
        while (true)
        {
            var declined = (await tx.Connection.QueryAsync<Declined>(sql, parameters, tx.Transaction)).AsList();
            await Announce(tx, declined, reason);
            all.AddRange(declined);
            if (declined.Count < chunk) return all;
        }
    }

    /// <summary>One MatchDeclined per declined proposal, all in one statement (an offer may have thousands).</summary>
    private static Task Announce(OutboxTransaction tx, List<Declined> declined, string reason)
    {
        var at = DateTimeOffset.UtcNow;
        return tx.EnqueueAll(declined.Select(d => new MatchDeclined
        {
            MatchId = d.Id,
            Kind = d.Kind,
            OfferIds = d.OfferIds,
            PartyOrgs = d.PartyOrgs,
            Reason = d.Reason ?? reason,
            DeclinedAt = at,
        }).ToList());
    }
}
