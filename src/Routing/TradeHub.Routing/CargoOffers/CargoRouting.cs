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

    // A posted offer goes in with its routes and its CargoRoutesComputed in one statement (no second row version,
    // no second round trip); nothing is written when the id is already known.
    private static readonly string InsertRoutedSql = Outbox.WithEvent("""
            INSERT INTO cargo_offers (id, owner_org, origin, destination, ready_date, deliver_by, containers, container_type, status,
                                      routes, route_nodes, route_legs, version, reason, computed_at, details)
            VALUES (@Id, @OwnerOrg, @Origin, @Destination, CAST(@ReadyDate AS date), CAST(@DeliverBy AS date), @Containers,
                    @ContainerType, 'open', CAST(@Routes AS jsonb), @Nodes, @Legs, @Version, @Reason, @At, CAST(@Details AS jsonb))
            ON CONFLICT (id) DO NOTHING
            """);

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

    // The message into the inbox, the network's lock, then its version: one round trip. Each statement of a batch
    // reads its own snapshot (READ COMMITTED), so the version is read after the lock is held.
    private const string RecordLockAndVersionSql = $"""
        {Inbox.RecordSql};
        {NetworkStore.RoutingLockSql};
        {NetworkStore.VersionSql}
        """;

    /// <summary>
    /// Routes a posted offer once per message id (<paramref name="messageId"/> of <paramref name="consumer"/>, recorded
    /// in the inbox); false when the message was handled before, and nothing was written.
    /// </summary>
    public static async Task<bool> OnPosted(OutboxTransaction work, Guid messageId, string consumer,
        CargoOfferPosted m, NetworkSnapshot snapshot)
    {
        var (connection, tx) = work;
        var offer = Details(m);
        var details = JsonSerializer.Serialize(offer, Json);
        var args = new
        {
            Id = m.CargoOfferId, m.OwnerOrg, m.Origin, m.Destination,
            ReadyDate = m.ReadyDate.ToDateTime(TimeOnly.MinValue), DeliverBy = m.DeliverBy.ToDateTime(TimeOnly.MinValue),
            Containers = m.ContainerCount, m.ContainerType, Details = details,
        };
        // A network change either committed before, and we route on its snapshot (the version is read after the
        // lock, in a statement of its own), or waits for us and then finds this offer among the affected ones.
        long version;
        await using (var reads = await connection.QueryMultipleAsync(RecordLockAndVersionSql,
            new { MessageId = messageId, Consumer = consumer }, tx))
        {
            if ((await reads.ReadAsync<bool>()).AsList().Count == 0) return false;
            await reads.ReadAsync(); // the lock
            version = await reads.ReadSingleAsync<long>();
        }
        if (version != snapshot.Version) snapshot = await NetworkStore.Load(connection, tx);
        var routed = new DynamicParameters(new
        {
            m.OwnerOrg, m.Origin, m.Destination, args.ReadyDate, args.DeliverBy, args.Containers, m.ContainerType, Details = details,
        });
        var row = new OfferRow(m.CargoOfferId, m.OwnerOrg, m.Origin, m.Destination, m.ReadyDate, m.ContainerCount,
            m.ContainerType, "open", 0);
        if (await connection.ExecuteAsync(InsertRoutedSql, RoutedArgs(work, snapshot, row, "posted", offer, routed), tx) == 0)
        {
            // Already known: a redelivery under another id (nothing to do) or withdrawn before we saw the post.
            await connection.ExecuteAsync(FillClosedSql, args, tx);
        }
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
        CargoOfferDetails? offer, DynamicParameters? more = null)
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
            Nodes = routes.SelectMany(r => r.Legs.SelectMany(l => new[] { l.From, l.To })).Distinct().ToArray(),
            Legs = routes.SelectMany(r => r.Legs.Select(l => l.LegId)).Distinct().ToArray(),
            Version = version,
            Reason = plan.Found ? reason : plan.Reason,
            At = at,
        });
        if (more is not null) args.AddDynamicParams(more);
        return work.Event(computed, args);
    }

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
