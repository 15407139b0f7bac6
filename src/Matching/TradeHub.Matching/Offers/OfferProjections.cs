using System.Text.Json;
using Dapper;
using Npgsql;
using TradeHub.Listings.Contracts;
using TradeHub.Routing.Contracts;

namespace TradeHub.Matching.Offers;

/// <summary>
/// Writes the projections from events. Posts and closures may arrive in any order: a closure is remembered in
/// offer_closures, and a post that comes after it is stored closed.
/// </summary>
public static class OfferProjections
{
    private const string ClosedOr = "COALESCE((SELECT status FROM offer_closures WHERE offer_id = @Id), 'open')";

    private const string InsertCargoSql = $"""
        INSERT INTO cargo_offers (id, owner_org, origin, destination, ready_date, deliver_by, containers, container_type,
                                  weight_kg, hs_code, target_price, target_currency, status)
        VALUES (@Id, @OwnerOrg, @Origin, @Destination, @ReadyDate, @DeliverBy, @Containers, @ContainerType, @WeightKg,
                @HsCode, @TargetPrice, @TargetCurrency, {ClosedOr})
        ON CONFLICT (id) DO NOTHING
        RETURNING status
        """;

    private const string InsertCapacitySql = $"""
        INSERT INTO capacity_offers (id, carrier_org, from_node, to_node, mode, departure_from, departure_to, containers,
                                     container_type, price_per_container, currency, transit_days, reserved_for, status)
        VALUES (@Id, @CarrierOrg, @From, @To, @Mode, @DepartureFrom, @DepartureTo, @Containers, @ContainerType,
                @PricePerContainer, @Currency, @TransitDays, @ReservedFor, {ClosedOr})
        ON CONFLICT (id) DO NOTHING
        RETURNING status
        """;

    private const string InsertTradeSql = $"""
        INSERT INTO trade_offers (id, owner_org, side, hs_code, product, quantity, unit, unit_price, currency, city,
                                  valid_until, status)
        VALUES (@Id, @OwnerOrg, @Side, @HsCode, @Product, @Quantity, @Unit, @UnitPrice, @Currency, @City, @ValidUntil, {ClosedOr})
        ON CONFLICT (id) DO NOTHING
        RETURNING status
        """;

    // A closure is final; only a pool's hold ('pooled') gives way to it.
    private const string CloseSql = """
        INSERT INTO offer_closures (offer_id, status) VALUES (@Id, @Status)
        ON CONFLICT (offer_id) DO UPDATE SET status = EXCLUDED.status, at = now() WHERE offer_closures.status = 'pooled';
        UPDATE cargo_offers SET status = @Status, changed_xid = pg_current_xact_id() WHERE id = @Id AND status IN ('open', 'pooled');
        UPDATE capacity_offers SET status = @Status, changed_xid = pg_current_xact_id() WHERE id = @Id AND status = 'open';
        UPDATE trade_offers SET status = @Status, changed_xid = pg_current_xact_id() WHERE id = @Id AND status = 'open';
        """;

    // Held by a pool unless that pool already gave it back (a late or redelivered CargoOfferPooled).
    private const string PoolCargoSql = """
        INSERT INTO offer_closures (offer_id, status)
        SELECT @Id, 'pooled' WHERE NOT EXISTS (SELECT 1 FROM pool_releases WHERE offer_id = @Id AND pool_id = @PoolId)
        ON CONFLICT (offer_id) DO NOTHING;
        UPDATE cargo_offers SET status = 'pooled', changed_xid = pg_current_xact_id()
        WHERE id = @Id AND status = 'open'
          AND NOT EXISTS (SELECT 1 FROM pool_releases WHERE offer_id = @Id AND pool_id = @PoolId);
        """;

    /// <summary>Why a pooled cargo offer's open proposals were declined.</summary>
    public const string PooledReason = "the cargo offer joined a consolidation pool";

    // Back to open (when it was pooled, not closed meanwhile); its routes are stamped again so every instance's index
    // takes them back with the offer. The proposals declined when it was pooled give up their offer_key (they stay
    // declined, as their parties were told), so the same chains can be proposed to it again.
    private const string UnpoolCargoSql = $"""
        WITH released AS (
            INSERT INTO pool_releases (offer_id, pool_id) VALUES (@Id, @PoolId) ON CONFLICT DO NOTHING),
        unheld AS (
            DELETE FROM offer_closures WHERE offer_id = @Id AND status = 'pooled'),
        rekeyed AS (
            UPDATE matches SET offer_key = offer_key || ':pooled:' || id::text
            WHERE offer_ids @> ARRAY[@Id] AND status = 'declined' AND decline_reason = '{PooledReason}'
              AND offer_key NOT LIKE '%:pooled:%'),
        reopened AS (
            UPDATE cargo_offers SET status = 'open', changed_xid = pg_current_xact_id()
            WHERE id = @Id AND status = 'pooled'
            RETURNING id, owner_org AS OwnerOrg, origin, destination, ready_date AS ReadyDate, deliver_by AS DeliverBy,
                      containers, container_type AS ContainerType, weight_kg AS WeightKg, hs_code AS HsCode,
                      target_price AS TargetPrice, target_currency AS TargetCurrency),
        routes AS (
            UPDATE cargo_routes SET changed_xid = pg_current_xact_id()
            WHERE cargo_offer_id = @Id AND EXISTS (SELECT 1 FROM reopened)
            RETURNING routes::text AS Routes)
        SELECT reopened.*, (SELECT Routes FROM routes) AS Routes FROM reopened;
        """;

    private const string UpsertRoutesSql = """
        INSERT INTO cargo_routes (cargo_offer_id, version, routes) VALUES (@Id, @Version, CAST(@Routes AS jsonb))
        ON CONFLICT (cargo_offer_id) DO UPDATE
            SET version = EXCLUDED.version, routes = EXCLUDED.routes, changed_xid = pg_current_xact_id()
            WHERE cargo_routes.version < EXCLUDED.version
        """;

    private const string RoutesSql = "SELECT routes::text FROM cargo_routes WHERE cargo_offer_id = @Id";

    // A cargo offer comes with its routes in one message and is stored with them in one round trip. Routes stored
    // before (a re-route that overtook the first routes, or routes of a message without the offer) are kept when
    // newer, and returned.
    private const string InsertCargoWithRoutesSql = $"""
        WITH inserted AS ({InsertCargoSql}),
        upserted AS (
            INSERT INTO cargo_routes (cargo_offer_id, version, routes)
            SELECT @Id, @Version, CAST(@Routes AS jsonb) WHERE EXISTS (SELECT 1 FROM inserted)
            ON CONFLICT (cargo_offer_id) DO UPDATE
                SET version = EXCLUDED.version, routes = EXCLUDED.routes, changed_xid = pg_current_xact_id()
                WHERE cargo_routes.version < EXCLUDED.version
            RETURNING 1)
        SELECT (SELECT status FROM inserted) AS Status, EXISTS (SELECT 1 FROM upserted) AS Newer,
               (SELECT routes::text FROM cargo_routes WHERE cargo_offer_id = @Id) AS Routes
        """;

    private const string UpsertRoutesOfOpenCargoSql = $"""
        WITH upserted AS ({UpsertRoutesSql} RETURNING 1)
        SELECT id, owner_org AS OwnerOrg, origin, destination, ready_date AS ReadyDate, deliver_by AS DeliverBy, containers,
               container_type AS ContainerType, weight_kg AS WeightKg, hs_code AS HsCode, target_price AS TargetPrice,
               target_currency AS TargetCurrency
        FROM cargo_offers WHERE id = @Id AND status = 'open' AND EXISTS (SELECT 1 FROM upserted)
        """;

    private const string UpsertLogisticsSql = """
        INSERT INTO logistics_table (id, version, pairs) VALUES (1, @Version, CAST(@Pairs AS jsonb))
        ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, pairs = EXCLUDED.pairs, changed_xid = pg_current_xact_id()
            WHERE logistics_table.version < EXCLUDED.version
        """;

    private const string IsOpenCargoSql = "SELECT EXISTS (SELECT 1 FROM cargo_offers WHERE id = @Id AND status = 'open')";

    public static Task<bool> IsOpenCargo(this NpgsqlConnection connection, NpgsqlTransaction tx, Guid id) =>
        connection.ExecuteScalarAsync<bool>(IsOpenCargoSql, new { Id = id }, tx);

    private sealed record InsertedCargo(string? Status, bool Newer, string? Routes);

    /// <summary>What storing a cargo offer that came with its routes found.</summary>
    public enum Stored
    {
        /// <summary>A new open offer: match it on the routes returned.</summary>
        Open,
        /// <summary>A new offer already closed, withdrawn or pooled before its routes came: stored as it is.</summary>
        Closed,
        /// <summary>Known before: these are new routes of a known offer (or a redelivery).</summary>
        Known,
    }

    /// <summary>
    /// Stores a cargo offer with its routes when it is new (one round trip): whether it is open, and its current routes
    /// (these, or newer ones stored before).
    /// </summary>
    public static async Task<(Stored Outcome, IReadOnlyList<CargoRoute> Routes)> InsertCargoWithRoutes(
        this NpgsqlConnection connection, NpgsqlTransaction tx, CargoOffer o, long version, IReadOnlyList<CargoRoute> routes)
    {
        var row = await connection.QuerySingleAsync<InsertedCargo>(InsertCargoWithRoutesSql, new
        {
            o.Id, o.OwnerOrg, o.Origin, o.Destination, ReadyDate = Day(o.ReadyDate), DeliverBy = Day(o.DeliverBy),
            o.Containers, o.ContainerType, o.WeightKg, o.HsCode, o.TargetPrice, o.TargetCurrency,
            Version = version, Routes = JsonSerializer.Serialize(routes, OpenOffers.Json),
        }, tx);
        return row.Status switch
        {
            null => (Stored.Known, routes),
            "open" => (Stored.Open, row.Newer || row.Routes is null
                ? routes
                : JsonSerializer.Deserialize<List<CargoRoute>>(row.Routes, OpenOffers.Json) ?? []),
            _ => (Stored.Closed, routes),
        };
    }

    /// <summary>Stores the routes when they are newer than the stored ones; the cargo offer when it is open and they replaced them.</summary>
    public static async Task<CargoOffer?> UpsertRoutesOfOpenCargo(this NpgsqlConnection connection, NpgsqlTransaction tx,
        Guid cargoId, long version, IReadOnlyList<CargoRoute> routes) =>
        await connection.QuerySingleOrDefaultAsync<CargoRow>(UpsertRoutesOfOpenCargoSql, new
        {
            Id = cargoId, Version = version, Routes = JsonSerializer.Serialize(routes, OpenOffers.Json),
        }, tx) is { } c
            ? new CargoOffer(c.Id, c.OwnerOrg, c.Origin, c.Destination, c.ReadyDate,
                c.DeliverBy, c.Containers, c.ContainerType, c.WeightKg, c.HsCode, c.TargetPrice, c.TargetCurrency)
            : null;

    public static async Task<bool> InsertCapacity(this NpgsqlConnection connection, NpgsqlTransaction tx, CapacityOffer o) =>
        await connection.ExecuteScalarAsync<string?>(InsertCapacitySql, new
        {
            o.Id, o.CarrierOrg, o.From, o.To, o.Mode, DepartureFrom = Day(o.DepartureFrom), DepartureTo = Day(o.DepartureTo),
            o.Containers, o.ContainerType, o.PricePerContainer, o.Currency, o.TransitDays, o.ReservedFor,
        }, tx) == "open";

    public static async Task<bool> InsertTrade(this NpgsqlConnection connection, NpgsqlTransaction tx, TradeOffer o) =>
        await connection.ExecuteScalarAsync<string?>(InsertTradeSql, new
        {
            o.Id, o.OwnerOrg, o.Side, o.HsCode, o.Product, o.Quantity, o.Unit, o.UnitPrice, o.Currency, o.City,
            ValidUntil = Day(o.ValidUntil),
        }, tx) == "open";

    /// <summary>Closes any kind of offer (withdrawn, expired, awarded), even one not posted yet.</summary>
    public static Task CloseOffer(this NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, string status) =>
        connection.ExecuteAsync(CloseSql, new { Id = id, Status = status }, tx);

    /// <summary>A pool holds the cargo offer: out of matching (even one not posted yet) until the pool gives it back.</summary>
    public static Task PoolCargo(this NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, Guid poolId) =>
        connection.ExecuteAsync(PoolCargoSql, new { Id = id, PoolId = poolId }, tx);

    private sealed record ReopenedCargo(Guid Id, string OwnerOrg, string Origin, string Destination, DateOnly ReadyDate,
        DateOnly DeliverBy, int Containers, string ContainerType, decimal WeightKg, string? HsCode, decimal? TargetPrice,
        string? TargetCurrency, string? Routes);

    /// <summary>The pool gave the cargo offer back: open again with its routes, or null when it was not pooled (closed, or never posted).</summary>
    public static async Task<(CargoOffer Offer, IReadOnlyList<CargoRoute> Routes)?> UnpoolCargo(this NpgsqlConnection connection,
        NpgsqlTransaction tx, Guid id, Guid poolId)
    {
        if (await connection.QuerySingleOrDefaultAsync<ReopenedCargo>(UnpoolCargoSql, new { Id = id, PoolId = poolId }, tx) is not { } c)
            return null;
        var offer = new CargoOffer(c.Id, c.OwnerOrg, c.Origin, c.Destination, c.ReadyDate, c.DeliverBy, c.Containers,
            c.ContainerType, c.WeightKg, c.HsCode, c.TargetPrice, c.TargetCurrency);
        var routes = c.Routes is null ? [] : JsonSerializer.Deserialize<List<CargoRoute>>(c.Routes, OpenOffers.Json) ?? [];
        return (offer, routes);
    }

    public static async Task<IReadOnlyList<CargoRoute>> RoutesOf(this NpgsqlConnection connection, NpgsqlTransaction tx, Guid cargoId) =>
        await connection.ExecuteScalarAsync<string?>(RoutesSql, new { Id = cargoId }, tx) is { } json
            ? JsonSerializer.Deserialize<List<CargoRoute>>(json, OpenOffers.Json) ?? []
            : [];

    private sealed record CargoRow(Guid Id, string OwnerOrg, string Origin, string Destination, DateOnly ReadyDate,
        DateOnly DeliverBy, int Containers, string ContainerType, decimal WeightKg, string? HsCode, decimal? TargetPrice,
        string? TargetCurrency);

    public static async Task<bool> UpsertLogistics(this NpgsqlConnection connection, NpgsqlTransaction tx, long version,
        IReadOnlyList<LogisticsQuote> quotes) =>
        await connection.ExecuteAsync(UpsertLogisticsSql, new
        {
            Version = version, Pairs = JsonSerializer.Serialize(quotes, OpenOffers.Json),
        }, tx) == 1;

    private static DateTime Day(DateOnly d) => d.ToDateTime(TimeOnly.MinValue);

    /// <summary>The offer the routes carry; null for routes without it (re-routes of offers routed before it was carried).</summary>
    public static CargoOffer? ToOffer(this CargoRoutesComputed m) => m.Offer is not { } o ? null : new(m.CargoOfferId,
        m.OwnerOrg, o.Origin, o.Destination, o.ReadyDate, o.DeliverBy, o.ContainerCount, o.ContainerType, o.WeightKg,
        o.HsCode, o.TargetPriceAmount, o.TargetPriceCurrency);

    public static CapacityOffer ToOffer(this CapacityOfferPosted m) => new(m.CapacityOfferId, m.CarrierOrg, m.From, m.To,
        m.Mode, m.DepartureFrom, m.DepartureTo, m.ContainerCount, m.ContainerType, m.PricePerContainerAmount,
        m.PriceCurrency, m.TransitDays, m.ReservedFor);

    public static TradeOffer ToOffer(this TradeOfferPosted m) => new(m.TradeOfferId, m.OwnerOrg, m.Side.ToLowerInvariant(),
        m.HsCode, m.Product, m.Quantity, m.Unit, m.UnitPriceAmount, m.UnitPriceCurrency, m.City, m.ValidUntil);

    public static IReadOnlyList<CargoRoute> ToRoutes(this CargoRoutesComputed m) => m.Routes
        .Where(r => r.Legs.Count > 0)
        .Select(r => new CargoRoute(r.RouteId, r.Legs
            .Select(l => new Leg(l.From, l.To, l.Mode, l.Hours, l.DistanceKm, l.BorderCrossing, l.GaugeChange)).ToList()))
        .ToList();

    public static IReadOnlyList<LogisticsQuote> ToQuotes(this LogisticsCostTableComputed m) => m.Pairs
        .Select(p => new LogisticsQuote(p.From, p.To, p.CheapestCostUsd, p.CheapestHours, p.CheapestRouteSummary))
        .ToList();
}
