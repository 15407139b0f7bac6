using System.Data;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace TradeHub.Matching.Offers;

/// <summary>
/// The in-memory index of open offers, kept in step with the matching database (the truth). Every change to a
/// projection row stamps it with its transaction id; catching up re-reads the rows of transactions at or after the
/// oldest one that was still running at the last read, so rows committed by other instances (or out of order) are
/// never missed. Re-reading a row twice is harmless: applying a row replaces the offer.
/// </summary>
public sealed class OpenOffers(NpgsqlDataSource dataSource) : IDisposable
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly OfferIndex index = new();
    private readonly Lock gate = new();
    private readonly SemaphoreSlim reading = new(1, 1);

    public void Dispose() => reading.Dispose();
    private long watermark;

    private readonly List<Guid> staged = [];

    /// <summary>
    /// Puts a capacity offer its turn has just stored (not yet committed) in the index, so the next offer handled in the
    /// same turn sees it. Only inside a turn taken alone: no other matching runs in this process meanwhile. The turn
    /// keeps it when it commits and takes it out again when it rolls back.
    /// </summary>
    public void Stage(CapacityOffer offer)
    {
        lock (gate)
        {
            index.PutCapacity(offer);
            staged.Add(offer.Id);
        }
    }

    internal void KeepStaged()
    {
        lock (gate) staged.Clear();
    }

    internal void DropStaged()
    {
        lock (gate)
        {
            foreach (var id in staged) index.RemoveCapacity(id);
            staged.Clear();
        }
    }

    /// <summary>Reads (or matches against) the index under its lock; keep the work short.</summary>
    public T Read<T>(Func<OfferIndex, T> read)
    {
        lock (gate) return read(index);
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
    // connection instead of five plans at every catch-up (a third of Matching's planning time at 30 offers/s).
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
    private static readonly string CatchUpSql = string.Join(";\n", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        WatermarkSql, CargoSql, CapacitySql, TradeSql, RoutesSql, LogisticsSql, "COMMIT");

    /// <summary>Catch-ups begun (numbered when they start, under <see cref="reading"/>) and the last one finished.</summary>
    private long begun, finished;

    /// <summary>
    /// Applies every projection row changed since the last catch-up (all rows the first time). What a caller needs is a
    /// read that starts after it asked (it holds its turn by then, so that read sees every commit before the turn): when
    /// one such read finished while the caller waited for its own, the caller has what it needs and returns at once.
    /// Batches that wait together thus share one read instead of queueing one each.
    /// </summary>
    public async Task CatchUp(CancellationToken ct = default)
    {
        var enough = Interlocked.Read(ref begun) + 1;
        await reading.WaitAsync(ct);
        try
        {
            if (Interlocked.Read(ref finished) >= enough) return;
            var number = Interlocked.Increment(ref begun);
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            // One snapshot for the watermark and every read, so nothing committed in between slips through: every
            // read in one round trip, the statements run in order in one repeatable-read transaction.
            await using var reads = await connection.QueryMultipleAsync(CatchUpSql, new { Watermark = watermark });
            await reads.ReadAsync(); // the settings
            var next = await reads.ReadSingleAsync<long>();
            var cargo = (await reads.ReadAsync<CargoRow>()).AsList();
            var capacity = (await reads.ReadAsync<CapacityRow>()).AsList();
            var trade = (await reads.ReadAsync<TradeRow>()).AsList();
            var routes = (await reads.ReadAsync<RoutesRow>()).AsList();
            var logistics = await reads.ReadSingleOrDefaultAsync<string>();

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
                foreach (var t in trade)
                {
                    if (t.Status != "open") { index.RemoveTrade(t.Id); continue; }
                    index.PutTrade(new TradeOffer(t.Id, t.OwnerOrg, t.Side, t.HsCode, t.Product, t.Quantity, t.Unit,
                        t.UnitPrice, t.Currency, t.City, t.ValidUntil));
                }
                if (logistics is not null)
                    index.SetLogistics(JsonSerializer.Deserialize<List<LogisticsQuote>>(logistics, Json) ?? []);
                watermark = next;
            }
            Interlocked.Exchange(ref finished, number);
        }
        finally
        {
            reading.Release();
        }
    }
}

/// <summary>Loads the index from the tables at start-up, then catches up now and then with what other instances wrote.</summary>
public sealed class OpenOffersRefresh(OpenOffers offers, ILogger<OpenOffersRefresh> log) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await offers.CatchUp(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                log.LogWarning(e, "Catching up the open offers failed; retrying");
            }
            try { await Task.Delay(Interval, stoppingToken); } catch (OperationCanceledException) { return; }
        }
    }
}
