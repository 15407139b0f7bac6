using System.Text.Json;
using Dapper;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Contracts;
using TradeHub.Routing.Contracts;
using TradeHub.Routing.Network;
using TradeHub.Routing.Routes;

namespace TradeHub.Routing.CargoOffers;

/// <summary>
/// Keeps the route options of open cargo offers: computes them when an offer is posted, recomputes them when the
/// network changes, forgets them when the offer closes. Every recompute bumps the version and enqueues
/// CargoRoutesComputed in the caller's transaction.
/// </summary>
public static class CargoRouting
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record OfferRow(Guid Id, string OwnerOrg, string? Origin, string? Destination, DateOnly? ReadyDate,
        int? Containers, string? ContainerType, string Status, long Version, string? Details = null);

    // The posted offers of a batch go in with their routes in one statement; an id already known is left alone and
    // not returned. A row's route nodes and legs travel as one comma-joined string each (UN/LOCODEs and leg ids hold
    // no comma), since unnest cannot take an array of arrays of different lengths.
    private const string InsertRoutedSql = """
        INSERT INTO cargo_offers (id, owner_org, origin, destination, ready_date, deliver_by, containers, container_type, status,
                                  routes, route_nodes, route_legs, version, reason, computed_at, details)
        SELECT o.id, o.owner_org, o.origin, o.destination, CAST(o.ready_date AS date), CAST(o.deliver_by AS date), o.containers, o.container_type, 'open',
               CAST(o.routes AS jsonb), string_to_array(o.nodes, ','), string_to_array(o.legs, ','), 1, o.reason, @At,
               CAST(o.details AS jsonb)
        FROM unnest(@Ids, @Owners, @Origins, @Destinations, @ReadyDates, @DeliverBys, @Containers, @ContainerTypes, @Routes,
                    @Nodes, @Legs, @Reasons, @Details)
            AS o(id, owner_org, origin, destination, ready_date, deliver_by, containers, container_type, routes, nodes, legs,
                 reason, details)
        ON CONFLICT (id) DO NOTHING
        RETURNING id
        """;

    // A withdrawal arrived first: keep it closed, only remember the params.
    private const string FillClosedSql = """
        UPDATE cargo_offers SET origin = @Origin, destination = @Destination, ready_date = CAST(@ReadyDate AS date),
            deliver_by = CAST(@DeliverBy AS date), containers = @Containers, container_type = @ContainerType,
            details = CAST(@Details AS jsonb), updated_at = now()
        WHERE id = @Id AND status = 'closed' AND origin IS NULL
        """;

    private const string CloseSql = """
        INSERT INTO cargo_offers (id, owner_org, status) VALUES (@Id, @OwnerOrg, 'closed')
        ON CONFLICT (id) DO UPDATE SET status = 'closed', updated_at = now()
        """;

    private const string SelectForUpdateSql = """
        SELECT id AS Id, owner_org AS OwnerOrg, origin AS Origin, destination AS Destination, ready_date AS ReadyDate,
               containers AS Containers, container_type AS ContainerType, status AS Status, version AS Version,
               details::text AS Details
        FROM cargo_offers WHERE id = ANY(@Ids) AND status = 'open' ORDER BY id FOR UPDATE
        """;

    // The routes and their CargoRoutesComputed in one round trip.
    private static readonly string StoreRoutesSql = Outbox.WithEvent("""
            UPDATE cargo_offers SET routes = CAST(@Routes AS jsonb), route_nodes = @Nodes, route_legs = @Legs, version = @Version,
                reason = @Reason, computed_at = @At, updated_at = now()
            WHERE id = @Id
            """);

    /// <summary>Open offers whose routes use the node or leg and whose ready date falls in the range.</summary>
    private const string AffectedSql = """
        SELECT id FROM cargo_offers
        WHERE status = 'open' AND ready_date BETWEEN CAST(@From AS date) AND CAST(@To AS date)
          AND ((@NodeId::text IS NOT NULL AND route_nodes @> ARRAY[@NodeId::text]) OR (@LegId::text IS NOT NULL AND route_legs @> ARRAY[@LegId::text]))
        """;

    /// <summary>Open offers a lifted disruption applied to (their routes avoided it, so they may now improve).</summary>
    private const string InRangeSql = """
        SELECT id FROM cargo_offers
        WHERE status = 'open' AND ready_date BETWEEN CAST(@From AS date) AND CAST(@To AS date)
        """;

    // The messages into the inbox, the network's lock, then its version: one round trip. Each statement of a batch
    // reads its own snapshot (READ COMMITTED), so the version is read after the lock is held.
    private const string RecordLockAndVersionSql = $"""
        {Inbox.RecordManySql};
        {NetworkStore.RoutingLockSql};
        {NetworkStore.VersionSql}
        """;

    /// <summary>
    /// Routes a batch of posted offers, each once per message id (recorded in the inbox for <paramref name="consumer"/>)
    /// and each offer once: four statements for the batch. False when every message was handled before, and nothing
    /// was written.
    /// </summary>
    public static async Task<bool> OnPosted(OutboxTransaction work, string consumer,
        IReadOnlyList<(Guid MessageId, CargoOfferPosted Message)> batch, NetworkSnapshot snapshot)
    {
        var (connection, tx) = work;
        // A network change either committed before, and we route on its snapshot (the version is read after the
        // lock, in a statement of its own), or waits for us and then finds these offers among the affected ones.
        HashSet<Guid> fresh;
        long version;
        await using (var reads = await connection.QueryMultipleAsync(RecordLockAndVersionSql,
            new { MessageIds = batch.Select(b => b.MessageId).ToArray(), Consumer = consumer }, tx))
        {
            fresh = (await reads.ReadAsync<Guid>()).ToHashSet();
            await reads.ReadAsync(); // the lock
            version = await reads.ReadSingleAsync<long>();
        }
        if (fresh.Count == 0) return false;
        if (version != snapshot.Version) snapshot = await NetworkStore.Load(connection, tx);

        // The first message of an offer counts; another of the same offer is a redelivery under another id.
        var offers = batch.Where(b => fresh.Contains(b.MessageId)).Select(b => b.Message)
            .DistinctBy(m => m.CargoOfferId).ToList();
        var at = DateTimeOffset.UtcNow;
        var routed = offers.Select(m =>
        {
            var row = new OfferRow(m.CargoOfferId, m.OwnerOrg, m.Origin, m.Destination, m.ReadyDate, m.ContainerCount,
                m.ContainerType, "open", 0);
            var plan = PlanFor(snapshot, row);
            return (Message: m, Offer: Details(m), Plan: plan);
        }).ToList();
        var inserted = (await connection.QueryAsync<Guid>(InsertRoutedSql, new
        {
            Ids = routed.Select(r => r.Message.CargoOfferId).ToArray(),
            Owners = routed.Select(r => r.Message.OwnerOrg).ToArray(),
            Origins = routed.Select(r => r.Message.Origin).ToArray(),
            Destinations = routed.Select(r => r.Message.Destination).ToArray(),
            ReadyDates = routed.Select(r => r.Message.ReadyDate.ToDateTime(TimeOnly.MinValue)).ToArray(),
            DeliverBys = routed.Select(r => r.Message.DeliverBy.ToDateTime(TimeOnly.MinValue)).ToArray(),
            Containers = routed.Select(r => r.Message.ContainerCount).ToArray(),
            ContainerTypes = routed.Select(r => r.Message.ContainerType).ToArray(),
            Routes = routed.Select(r => JsonSerializer.Serialize(r.Plan.Routes, Json)).ToArray(),
            Nodes = routed.Select(r => string.Join(',', NodesOf(r.Plan.Routes))).ToArray(),
            Legs = routed.Select(r => string.Join(',', LegIdsOf(r.Plan.Routes))).ToArray(),
            Reasons = routed.Select(r => r.Plan.Found ? "posted" : r.Plan.Reason).ToArray(),
            Details = routed.Select(r => JsonSerializer.Serialize(r.Offer, Json)).ToArray(),
            At = at,
        }, tx)).ToHashSet();
        await work.EnqueueAll(routed.Where(r => inserted.Contains(r.Message.CargoOfferId)).Select(r => new CargoRoutesComputed
        {
            CargoOfferId = r.Message.CargoOfferId, OwnerOrg = r.Message.OwnerOrg, Version = 1, Routes = r.Plan.Routes,
            Reason = "posted", ComputedAt = at, Offer = r.Offer,
        }).ToList());
        // Already known: a redelivery under another id (nothing to do) or withdrawn before we saw the post.
        foreach (var (m, offer, _) in routed.Where(r => !inserted.Contains(r.Message.CargoOfferId)))
            await connection.ExecuteAsync(FillClosedSql, new
            {
                Id = m.CargoOfferId, m.Origin, m.Destination, ReadyDate = m.ReadyDate.ToDateTime(TimeOnly.MinValue),
                DeliverBy = m.DeliverBy.ToDateTime(TimeOnly.MinValue), Containers = m.ContainerCount, m.ContainerType,
                Details = JsonSerializer.Serialize(offer, Json),
            }, tx);
        return true;
    }

    private static CargoOfferDetails Details(CargoOfferPosted m) => new()
    {
        Origin = m.Origin, Destination = m.Destination, ReadyDate = m.ReadyDate, DeliverBy = m.DeliverBy,
        ContainerCount = m.ContainerCount, ContainerType = m.ContainerType, WeightKg = m.WeightKg, HsCode = m.HsCode,
        Hazardous = m.Hazardous, TargetPriceAmount = m.TargetPriceAmount, TargetPriceCurrency = m.TargetPriceCurrency,
        PostedAt = m.PostedAt,
    };

    public static Task OnClosed(NpgsqlConnection connection, NpgsqlTransaction tx, Guid cargoOfferId, string ownerOrg) =>
        connection.ExecuteAsync(CloseSql, new { Id = cargoOfferId, OwnerOrg = ownerOrg }, tx);

    public static async Task<IReadOnlyList<Guid>> Affected(NpgsqlConnection connection, NpgsqlTransaction tx, Disruption d, bool lifted) =>
        (await connection.QueryAsync<Guid>(lifted ? InRangeSql : AffectedSql, new
        {
            From = d.From.ToDateTime(TimeOnly.MinValue), To = d.To.ToDateTime(TimeOnly.MinValue), d.NodeId, d.LegId,
        }, tx)).AsList();

    /// <summary>Recomputes and stores the routes of the given open offers and enqueues CargoRoutesComputed for each.</summary>
    public static async Task<int> Recompute(OutboxTransaction work, NetworkSnapshot snapshot, IReadOnlyList<Guid> ids, string reason)
    {
        if (ids.Count == 0) return 0;
        var (connection, tx) = work;
        var rows = (await connection.QueryAsync<OfferRow>(SelectForUpdateSql, new { Ids = ids.ToArray() }, tx)).AsList();
        foreach (var row in rows)
            await connection.ExecuteAsync(StoreRoutesSql, RoutedArgs(work, snapshot, row, reason,
                row.Details is null ? null : JsonSerializer.Deserialize<CargoOfferDetails>(row.Details, Json)), tx);
        return rows.Count;
    }

    /// <summary>The offer's next route set and its CargoRoutesComputed, as parameters of the statements that store them.</summary>
    private static OutboxEvent RoutedArgs(OutboxTransaction work, NetworkSnapshot snapshot, OfferRow row, string reason,
        CargoOfferDetails? offer)
    {
        var plan = PlanFor(snapshot, row);
        var version = row.Version + 1;
        var at = DateTimeOffset.UtcNow;
        var routes = plan.Routes;
        var computed = new CargoRoutesComputed
        {
            CargoOfferId = row.Id, OwnerOrg = row.OwnerOrg, Version = version, Routes = routes, Reason = reason, ComputedAt = at,
            Offer = offer,
        };
        var args = new DynamicParameters(new
        {
            row.Id,
            Routes = JsonSerializer.Serialize(routes, Json),
            Nodes = NodesOf(routes),
            Legs = LegIdsOf(routes),
            Version = version,
            Reason = plan.Found ? reason : plan.Reason,
            At = at,
        });
        return work.Event(computed, args);
    }

    // What the containment indexes (route_nodes, route_legs) find an offer by.
    private static string[] NodesOf(IEnumerable<RouteOption> routes) =>
        routes.SelectMany(r => r.Legs.SelectMany(l => new[] { l.From, l.To })).Distinct().ToArray();

    private static string[] LegIdsOf(IEnumerable<RouteOption> routes) =>
        routes.SelectMany(r => r.Legs.Select(l => l.LegId)).Distinct().ToArray();

    private static RoutePlan PlanFor(NetworkSnapshot snapshot, OfferRow row)
    {
        if (row.Origin is null || row.Destination is null || string.Equals(row.Origin, row.Destination, StringComparison.OrdinalIgnoreCase))
            return new RoutePlan(false, "origin and destination must be two different network nodes", [], true, 0);
        return RoutePlanner.Plan(snapshot, new RouteRequest
        {
            From = row.Origin,
            To = row.Destination,
            Shipment = new Shipment(Math.Max(1, row.Containers ?? 1), ContainerType.Parse(row.ContainerType) ?? ContainerType.Parse("40GP")!),
            ReadyDate = row.ReadyDate,
            Objective = Objective.Balanced,
            Max = 5,
        });
    }

    public sealed record StoredRoutes(string OwnerOrg, string Status, long Version, string Routes);

    private const string StoredSql = """
        SELECT owner_org AS OwnerOrg, status AS Status, version AS Version, routes::text AS Routes
        FROM cargo_offers WHERE id = @Id
        """;

    public static Task<StoredRoutes?> Stored(NpgsqlConnection connection, Guid id) =>
        connection.QuerySingleOrDefaultAsync<StoredRoutes>(StoredSql, new { Id = id });
}
