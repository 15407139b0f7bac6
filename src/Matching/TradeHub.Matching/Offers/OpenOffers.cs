using System.Data;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace TradeHub.Matching.Offers;

/// <summary>
/// The in-memory index of open offers, kept in step with the matching database (the truth) by the partition that owns
/// each part (<see cref="Partitions"/>): cargo, capacity and routes for cargo-capacity, trade offers and the logistics
/// table for trade. A batch changes the index as it changes the tables. Only when a partition's version shows that
/// another writer came in between (a failover, a confirmation, a refill in another instance) does it catch up from the
/// database: every change to a projection row stamps it with its transaction id, and catching up re-reads the rows of
/// transactions at or after the oldest one that was still running when the partition's index was last known to be
/// whole. Re-reading a row twice is harmless: applying a row replaces the offer.
/// </summary>
public sealed class OpenOffers(NpgsqlDataSource dataSource)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly OfferIndex index = new();
    private readonly Lock gate = new();

    /// <summary>What this process knows of a partition: the last version it wrote or read, the watermark of its rows, whether a failed batch left its index unsure.</summary>
    private sealed class State
    {
        public long Version = -1;
        public long Watermark;
        public bool Unsure = true;
    }

    private readonly Dictionary<string, State> states = new()
    {
        [Partitions.CargoCapacity] = new State(),
        [Partitions.Trade] = new State(),
    };

    /// <summary>Reads (or matches against) the index under its lock; keep the work short.</summary>
    public T Read<T>(Func<OfferIndex, T> read)
    {
        lock (gate) return read(index);
    }

    /// <summary>Changes the index; only the holder of the partition's turn changes its part.</summary>
    public void Change(Action<OfferIndex> change)
    {
        lock (gate) change(index);
    }

    /// <summary>
    /// Called with the partition's turn held and the version its bump returned: when someone else wrote since this
    /// process last did (or a failed batch left the index unsure), the partition's part is brought up to date first.
    /// </summary>
    public async Task Own(string partition, long version, CancellationToken ct = default)
    {
        var state = states[partition];
        if (state.Unsure) await Reload(partition, ct);
        else if (version != state.Version + 1) await CatchUp(partition, ct);
    }

    /// <summary>After a commit with the partition's turn: the index is whole up to this version.</summary>
    /// <param name="partition">The partition.</param>
    /// <param name="version">The version the commit's bump returned.</param>
    /// <param name="horizon">The oldest transaction still running when the turn was taken: every write after it that
    /// this index lacks is by a later turn, so a catch-up from here finds it.</param>
    public void Committed(string partition, long version, long horizon)
    {
        lock (gate)
        {
            var state = states[partition];
            state.Version = version;
            state.Watermark = Math.Max(state.Watermark, horizon);
        }
    }

    /// <summary>A batch failed after it may have changed the index: reload the partition's part before its next turn.</summary>
    public void Invalidate(string partition)
    {
        lock (gate) states[partition].Unsure = true;
    }

    /// <summary>A failed batch (or nothing yet) left the partition's part unsure: it is loaded before its next turn.</summary>
    public bool Unsure(string partition)
    {
        lock (gate) return states[partition].Unsure;
    }

    /// <summary>Loads a partition's part of the index from scratch.</summary>
    public async Task Reload(string partition, CancellationToken ct = default)
    {
        lock (gate)
        {
            if (partition == Partitions.Trade) index.ClearTrade();
            else index.ClearCargoCapacity();
            states[partition].Watermark = 0;
        }
        await CatchUp(partition, ct);
        lock (gate) states[partition].Unsure = false;
    }

    private sealed record CargoRow(Guid Id, string OwnerOrg, string Origin, string Destination, DateOnly ReadyDate,
        DateOnly DeliverBy, int Containers, string ContainerType, decimal WeightKg, string? HsCode, decimal? TargetPrice,
        string? TargetCurrency, string Status);

    private sealed record CapacityRow(Guid Id, string CarrierOrg, string FromNode, string ToNode, string Mode,
        DateOnly DepartureFrom, DateOnly DepartureTo, int Containers, string ContainerType, decimal PricePerContainer,
        string Currency, int TransitDays, string? ReservedFor, string Status);

    private sealed record TradeRow(Guid Id, string OwnerOrg, string Side, string HsCode, string Product, decimal Quantity,
        string Unit, decimal UnitPrice, string Currency, string City, DateOnly ValidUntil, string Status);

    private sealed record RoutesRow(Guid CargoOfferId, string Routes);

    // Every read here is a range of the changed_xid index, the recent rows a few index pages. Without sequential
    // scans: a generic plan, or a table without statistics yet (a fresh database), estimates a third of the table and
    // would scan all of it. With them off, the generic plan is that index range scan, and it is planned once per
    // connection.
    private const string WatermarkSql = """
        SELECT set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_seqscan', 'off', true);
        SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint
        """;

    private const string Since = "changed_xid >= CAST(CAST(@Watermark AS text) AS xid8)";

    private const string CargoSql = $"""
        SELECT id, owner_org AS OwnerOrg, origin, destination, ready_date AS ReadyDate, deliver_by AS DeliverBy, containers,
               container_type AS ContainerType, weight_kg AS WeightKg, hs_code AS HsCode, target_price AS TargetPrice,
               target_currency AS TargetCurrency, status
        FROM cargo_offers WHERE {Since}
        """;

    private const string CapacitySql = $"""
        SELECT id, carrier_org AS CarrierOrg, from_node AS FromNode, to_node AS ToNode, mode, departure_from AS DepartureFrom,
               departure_to AS DepartureTo, containers, container_type AS ContainerType,
               price_per_container AS PricePerContainer, currency, transit_days AS TransitDays, reserved_for AS ReservedFor, status
        FROM capacity_offers WHERE {Since}
        """;

    private const string TradeSql = $"""
        SELECT id, owner_org AS OwnerOrg, side, hs_code AS HsCode, product, quantity, unit, unit_price AS UnitPrice, currency,
               city, valid_until AS ValidUntil, status
        FROM trade_offers WHERE {Since}
        """;

    private const string RoutesSql = $"SELECT cargo_offer_id AS CargoOfferId, routes::text AS Routes FROM cargo_routes WHERE {Since}";

    private const string LogisticsSql = $"SELECT pairs::text FROM logistics_table WHERE id = 1 AND {Since}";

    // The transaction begins and ends in the statements themselves, so the catch-up is one round trip, not two. (Should
    // a statement fail, the connection goes back to the pool in a failed transaction, and Npgsql rolls it back there.)
    private static readonly string CargoCapacityCatchUpSql = string.Join(";\n", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        WatermarkSql, CargoSql, CapacitySql, RoutesSql, "COMMIT");

    private static readonly string TradeCatchUpSql = string.Join(";\n", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        WatermarkSql, TradeSql, LogisticsSql, "COMMIT");

    /// <summary>Applies every row of the partition changed since its watermark (all rows the first time).</summary>
    public async Task CatchUp(string partition, CancellationToken ct = default)
    {
        var state = states[partition];
        long watermark;
        lock (gate) watermark = state.Watermark;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // One snapshot for the watermark and every read, so nothing committed in between slips through.
        var trade = partition == Partitions.Trade;
        await using var reads = await connection.QueryMultipleAsync(trade ? TradeCatchUpSql : CargoCapacityCatchUpSql,
            new { Watermark = watermark });
        await reads.ReadAsync(); // the settings
        var next = await reads.ReadSingleAsync<long>();
        if (trade)
        {
            var offers = (await reads.ReadAsync<TradeRow>()).AsList();
            var logistics = await reads.ReadSingleOrDefaultAsync<string>();
            lock (gate)
            {
                foreach (var t in offers)
                {
                    if (t.Status != "open") { index.RemoveTrade(t.Id); continue; }
                    index.PutTrade(new TradeOffer(t.Id, t.OwnerOrg, t.Side, t.HsCode, t.Product, t.Quantity, t.Unit,
                        t.UnitPrice, t.Currency, t.City, t.ValidUntil));
                }
                if (logistics is not null)
                    index.SetLogistics(JsonSerializer.Deserialize<List<LogisticsQuote>>(logistics, Json) ?? []);
                state.Watermark = next;
            }
            return;
        }
        var cargo = (await reads.ReadAsync<CargoRow>()).AsList();
        var capacity = (await reads.ReadAsync<CapacityRow>()).AsList();
        var routes = (await reads.ReadAsync<RoutesRow>()).AsList();
        lock (gate)
        {
            foreach (var r in routes)
                index.PutRoutes(r.CargoOfferId, JsonSerializer.Deserialize<List<CargoRoute>>(r.Routes, Json) ?? []);
            foreach (var c in cargo)
            {
                if (c.Status != "open")
                {
                    index.RemoveCargo(c.Id);
                    index.RemoveRoutes(c.Id);
                    continue;
                }
                index.PutCargo(new CargoOffer(c.Id, c.OwnerOrg, c.Origin, c.Destination, c.ReadyDate,
                    c.DeliverBy, c.Containers, c.ContainerType, c.WeightKg, c.HsCode, c.TargetPrice,
                    c.TargetCurrency));
            }
            foreach (var c in capacity)
            {
                if (c.Status != "open") { index.RemoveCapacity(c.Id); continue; }
                index.PutCapacity(new CapacityOffer(c.Id, c.CarrierOrg, c.FromNode, c.ToNode, c.Mode,
                    c.DepartureFrom, c.DepartureTo, c.Containers,
                    c.ContainerType, c.PricePerContainer, c.Currency, c.TransitDays, c.ReservedFor));
            }
            state.Watermark = next;
        }
    }
}

/// <summary>
/// Loads the index at start-up, each partition in its own turn slot of this process, so that the instance that takes a
/// partition over (or answers a refill) catches up only what changed since.
/// </summary>
public sealed class OpenOffersLoad(Partitions partitions, ILogger<OpenOffersLoad> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var partition in new[] { Partitions.CargoCapacity, Partitions.Trade })
        {
            try
            {
                await partitions.Load(partition, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // The partition's first turn loads it.
                log.LogWarning(e, "Loading the open offers of {Partition} failed; its first turn loads them", partition);
            }
        }
    }
}
