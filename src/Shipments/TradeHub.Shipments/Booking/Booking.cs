using System.Text.Json;
using Dapper;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Routing.Contracts;
using TradeHub.Shipments.Common;
using TradeHub.Shipments.Contracts;

namespace TradeHub.Shipments.Booking;

/// <summary>One carrier's part of a matched deal: a capacity offer on a stretch of the route.</summary>
public sealed record DealLeg(Guid CapacityOfferId, string Carrier, string From, string To, string Mode);

/// <summary>
/// A deal that books a shipment: a confirmed cargo-capacity match (its legs) or an awarded bid (its carrier on every
/// leg of its route, else the offer's best route).
/// </summary>
public sealed record Deal(string Key, Guid CargoOfferId, Guid? MatchId, Guid? BidId, IReadOnlyList<DealLeg> Legs,
    string? BidCarrier, string? RouteId)
{
    public static Deal OfMatch(Guid matchId, Guid cargoOfferId, IReadOnlyList<DealLeg> legs) =>
        new($"match:{matchId}", cargoOfferId, matchId, null, legs, null, null);

    public static Deal OfBid(Guid bidId, Guid cargoOfferId, string carrier, string? routeId) =>
        new($"bid:{bidId}", cargoOfferId, null, bidId, [], carrier, routeId);
}

internal sealed record CargoRow(Guid Id, string OwnerOrg, string Origin, string Destination, DateOnly ReadyDate,
    DateOnly DeliverBy, int ContainerCount, string ContainerType);

internal sealed record CapacityRow(Guid Id, string CarrierOrg, string FromNode, string ToNode, string Mode,
    DateOnly DepartureFrom, DateOnly DepartureTo, int TransitDays);

/// <summary>
/// Books a shipment once everything a deal needs has arrived, whatever the order of the events. Every consumer that
/// can complete a deal holds transaction-scoped advisory locks, capacity offers' first (sorted), then cargo offers'
/// (sorted): the writers of one deal's pieces see each other's commits, and no two of them wait on each other in a cycle.
/// </summary>
public static class Booking
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string LockSql = "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(@Keys) AS k";

    public static Task Lock(this NpgsqlConnection connection, NpgsqlTransaction tx, IEnumerable<Guid> capacityOffers,
        IEnumerable<Guid> cargoOffers) =>
        connection.ExecuteAsync(LockSql, new
        {
            Keys = capacityOffers.Order().Select(id => $"capacity:{id}")
                .Concat(cargoOffers.Order().Select(id => $"cargo:{id}")).ToArray(),
        }, tx);

    private const string ShipmentExistsSql = "SELECT EXISTS (SELECT 1 FROM shipments WHERE deal_key = @Key)";

    private const string InsertPendingSql = """
        INSERT INTO pending_deals (deal_key, cargo_offer_id, deal, capacity_offer_ids)
        VALUES (@Key, @CargoOfferId, CAST(@Deal AS jsonb), @CapacityOfferIds) ON CONFLICT (deal_key) DO NOTHING
        """;

    /// <summary>Records the deal (once) and books it if its pieces are all here. The caller holds the deal's locks.</summary>
    public static async Task Receive(OutboxTransaction work, Deal deal, TimeProvider clock)
    {
        var (connection, tx) = work;
        if (await connection.ExecuteScalarAsync<bool>(ShipmentExistsSql, new { deal.Key }, tx)) return;
        await connection.ExecuteAsync(InsertPendingSql, new
        {
            deal.Key, deal.CargoOfferId, Deal = JsonSerializer.Serialize(deal, Json),
            CapacityOfferIds = deal.Legs.Select(l => l.CapacityOfferId).ToArray(),
        }, tx);
        await BookReady(work, deal.CargoOfferId, clock);
    }

    private const string PendingSql = "SELECT deal::text FROM pending_deals WHERE cargo_offer_id = @CargoOfferId ORDER BY received_at, deal_key";
    private const string CargoSql = """
        SELECT id AS Id, owner_org AS OwnerOrg, origin AS Origin, destination AS Destination, ready_date AS ReadyDate,
               deliver_by AS DeliverBy, container_count AS ContainerCount, container_type AS ContainerType
        FROM cargo_offers WHERE id = @CargoOfferId
        """;
    private const string RoutesSql = "SELECT routes::text FROM cargo_routes WHERE cargo_offer_id = @CargoOfferId";
    private const string CapacitySql = """
        SELECT id AS Id, carrier_org AS CarrierOrg, from_node AS FromNode, to_node AS ToNode, mode AS Mode,
               departure_from AS DepartureFrom, departure_to AS DepartureTo, transit_days AS TransitDays
        FROM capacity_offers WHERE id = ANY(@Ids)
        """;
    private const string DeletePendingSql = "DELETE FROM pending_deals WHERE deal_key = @Key";
    private const string InsertShipmentSql = """
        INSERT INTO shipments (id, deal_key, cargo_offer_id, match_id, bid_id, shipper_org, carrier_orgs, status, origin,
            destination, deliver_by, container_count, container_type, legs, planned_arrival, estimated_arrival, booked_at)
        VALUES (@Id, @DealKey, @CargoOfferId, @MatchId, @BidId, @ShipperOrg, @CarrierOrgs, 'booked', @Origin,
            @Destination, @DeliverBy, @ContainerCount, @ContainerType, CAST(@Legs AS jsonb), @PlannedArrival,
            @PlannedArrival, @BookedAt)
        ON CONFLICT (deal_key) DO NOTHING
        RETURNING true
        """;

    /// <summary>Books every pending deal of the cargo offer whose pieces have all arrived. The caller holds the cargo offer's lock.</summary>
    public static async Task BookReady(OutboxTransaction work, Guid cargoOfferId, TimeProvider clock)
    {
        var (connection, tx) = work;
        var pending = (await connection.QueryAsync<string>(PendingSql, new { CargoOfferId = cargoOfferId }, tx))
            .Select(d => JsonSerializer.Deserialize<Deal>(d, Json)!).ToList();
        if (pending.Count == 0) return;
        var cargo = await connection.QuerySingleOrDefaultAsync<CargoRow>(CargoSql, new { CargoOfferId = cargoOfferId }, tx);
        var routesJson = await connection.ExecuteScalarAsync<string?>(RoutesSql, new { CargoOfferId = cargoOfferId }, tx);
        if (cargo is null || routesJson is null) return;
        var routes = JsonSerializer.Deserialize<List<RouteOption>>(routesJson, Json) ?? [];
        foreach (var deal in pending)
        {
            var capacity = (await connection.QueryAsync<CapacityRow>(CapacitySql,
                new { Ids = deal.Legs.Select(l => l.CapacityOfferId).ToArray() }, tx)).ToDictionary(c => c.Id);
            if (deal.Legs.Any(l => !capacity.ContainsKey(l.CapacityOfferId))) continue;
            var legs = Plan(deal, cargo, routes, capacity);
            if (legs is null) continue;
            await connection.ExecuteAsync(DeletePendingSql, new { deal.Key }, tx);
            var id = Guid.CreateVersion7();
            var carriers = legs.Select(l => l.Carrier).Distinct().ToArray();
            var now = clock.GetUtcNow();
            var planned = legs[^1].PlannedArrival;
            var inserted = await connection.ExecuteScalarAsync<bool?>(InsertShipmentSql, new
            {
                Id = id, DealKey = deal.Key, CargoOfferId = cargo.Id, deal.MatchId, deal.BidId, ShipperOrg = cargo.OwnerOrg,
                CarrierOrgs = carriers, cargo.Origin, cargo.Destination, cargo.DeliverBy, cargo.ContainerCount,
                cargo.ContainerType, Legs = Common.Legs.ToJson(legs), PlannedArrival = planned, BookedAt = now,
            }, tx);
            if (inserted != true) continue;
            await work.Enqueue(new ShipmentBooked
            {
                ShipmentId = id, CargoOfferId = cargo.Id, MatchId = deal.MatchId, BidId = deal.BidId,
                ShipperOrg = cargo.OwnerOrg, CarrierOrgs = carriers, PartyOrgs = [cargo.OwnerOrg, .. carriers],
                Origin = cargo.Origin, Destination = cargo.Destination, DeliverBy = cargo.DeliverBy,
                Containers = cargo.ContainerCount, ContainerType = cargo.ContainerType,
                Legs = legs.Select(l => l.Contract()).ToList(), PlannedArrival = planned, BookedAt = now,
            });
        }
    }

    private static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>
    /// The shipment's legs with planned times, or null when the deal cannot be laid on any route of the cargo offer.
    /// A matched leg departs when its capacity's departure window opens or when the cargo arrives from the leg before,
    /// whichever is later, and runs for the route's hours over its stretch (the capacity's transit days when the
    /// stretch is on no route). An awarded bid's legs follow each other from the cargo's ready date.
    /// </summary>
    internal static List<Leg>? Plan(Deal deal, CargoRow cargo, IReadOnlyList<RouteOption> routes,
        IReadOnlyDictionary<Guid, CapacityRow> capacity)
    {
        var ready = StartOf(cargo.ReadyDate);
        var legs = new List<Leg>();
        if (deal.BidId is not null)
        {
            var route = routes.FirstOrDefault(r => r.RouteId == deal.RouteId) ?? (routes.Count > 0 ? routes[0] : null);
            if (route is null || route.Legs.Count == 0) return null;
            var departure = ready;
            foreach (var l in route.Legs)
            {
                var arrival = departure.AddHours(l.Hours);
                legs.Add(NewLeg(l.From, l.To, l.Mode, deal.BidCarrier!, [l.From, l.To], l.Hours,
                    l.BorderCrossing ? [$"{l.From}-{l.To}"] : [], departure, arrival));
                departure = arrival;
            }
            return legs;
        }
        var route2 = routes.FirstOrDefault(r => deal.Legs.All(m => Stretch(r, m) is not null));
        DateTimeOffset? arrived = null;
        foreach (var m in deal.Legs)
        {
            var offer = capacity[m.CapacityOfferId];
            var stretch = route2 is null ? null : Stretch(route2, m);
            var nodes = stretch is null ? [m.From, m.To] : new[] { m.From }.Concat(stretch.Select(l => l.To)).ToList();
            var hours = stretch?.Sum(l => l.Hours) ?? offer.TransitDays * 24.0;
            var crossings = stretch?.Where(l => l.BorderCrossing).Select(l => $"{l.From}-{l.To}").ToList() ?? [];
            var window = StartOf(offer.DepartureFrom);
            var start = arrived ?? ready;
            var departure = start > window ? start : window;
            var arrival = departure.AddHours(hours);
            legs.Add(NewLeg(m.From, m.To, m.Mode, m.Carrier, nodes, hours, crossings, departure, arrival));
            arrived = arrival;
        }
        return legs.Count == 0 ? null : legs;
    }

    /// <summary>The consecutive legs of the route from the matched leg's From to its To, or null.</summary>
    private static List<RouteLeg>? Stretch(RouteOption route, DealLeg leg)
    {
        var first = route.Legs.ToList().FindIndex(l => l.From == leg.From);
        if (first < 0) return null;
        for (var i = first; i < route.Legs.Count; i++)
            if (route.Legs[i].To == leg.To) return route.Legs.Skip(first).Take(i - first + 1).ToList();
        return null;
    }

    private static Leg NewLeg(string from, string to, string mode, string carrier, IReadOnlyList<string> nodes, double hours,
        IReadOnlyList<string> crossings, DateTimeOffset departure, DateTimeOffset arrival) => new()
    {
        From = from, To = to, Mode = mode, Carrier = carrier, Nodes = nodes, Hours = hours, Crossings = crossings,
        PlannedDeparture = departure, PlannedArrival = arrival, EstimatedDeparture = departure, EstimatedArrival = arrival,
    };
}
