using Dapper;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Pools.Contracts;
using TradeHub.Pools.Packing;
using TradeHub.Hosting.Corridors;

namespace TradeHub.Pools.Pools;

/// <summary>
/// Closes pools at their cut-off: one that reached its minimum runs (final packing plan, settled price, PoolFormed),
/// one that did not is cancelled (PoolCancelled, and its pooled cargo offers go back to ordinary matching). Each pool
/// is closed in one transaction under its row lock, skipped by any other instance sweeping at the same time.
/// </summary>
internal sealed class CutoffSweep(
    NpgsqlDataSource db, Outbox outbox, Packer packer, PoolsOptions options, CorridorTransit transit, TimeProvider clock,
    ILogger<CutoffSweep> log)
    : BackgroundService
{
    private const string DueSql = "SELECT id FROM pools WHERE status = 'open' AND cutoff <= @Now ORDER BY cutoff LIMIT 100";

    private static readonly TimeSpan MinPause = TimeSpan.FromMilliseconds(100);

    private const string NextCutoffSql = "SELECT min(cutoff) FROM pools WHERE status = 'open'";

    private const string LockDueSql = $"SELECT {PoolSql.Columns} FROM pools WHERE id = @Id AND status = 'open' FOR UPDATE SKIP LOCKED";

    private const string CloseSql = """
        UPDATE pools SET status = @Status, price_per_container = @Price, closed_at = @At WHERE id = @Id
        """;

    private const string ReleaseOffersSql = "UPDATE cargo_offers SET pool_id = NULL WHERE pool_id = @Id";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var pause = options.SweepInterval;
            try
            {
                await Sweep(stoppingToken);
                pause = await UntilNextCutoff(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "Cut-off sweep failed; retrying at the next interval");
            }
            try
            {
                await Task.Delay(pause, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The interval, or less when an open pool's cut-off comes sooner: a train closes at its cut-off, not up to an
    /// interval after it. A pool opened meanwhile with an earlier cut-off waits at most the interval.
    /// </summary>
    private async Task<TimeSpan> UntilNextCutoff(CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        var next = await c.ExecuteScalarAsync<DateTime?>(NextCutoffSql);
        if (next is null) return options.SweepInterval;
        var wait = DateTime.SpecifyKind(next.Value, DateTimeKind.Utc) - clock.GetUtcNow().UtcDateTime;
        // Not less than a tenth of a second: a pool past its cut-off that another instance is closing is not spun on.
        return wait < MinPause ? MinPause : wait < options.SweepInterval ? wait : options.SweepInterval;
    }

    /// <summary>Closes every open pool past its cut-off; returns how many it closed.</summary>
    public async Task<int> Sweep(CancellationToken ct)
    {
        List<Guid> due;
        await using (var c = await db.OpenConnectionAsync(ct))
            due = (await c.QueryAsync<Guid>(DueSql, new { Now = clock.GetUtcNow().UtcDateTime })).AsList();
        var closed = 0;
        foreach (var id in due)
            if (await Close(id, ct)) closed++;
        return closed;
    }

    private async Task<bool> Close(Guid id, CancellationToken ct)
    {
        await using var tx = await outbox.Begin(ct);
        var (c, t) = tx;
        var pool = await c.QuerySingleOrDefaultAsync<PoolRow>(LockDueSql, new { Id = id }, t);
        if (pool is null) return false;
        var now = clock.GetUtcNow();
        var members = await PoolSql.Members(c, t, id);
        var plan = PoolSql.Pack(packer, pool, members);
        var containers = members.Sum(m => m.Containers) + plan.Containers.Count;
        await PoolSql.Refill(c, t, id, members, plan);

        if (members.Count > 0 && containers >= pool.MinContainers)
        {
            var price = pool.PriceAt(containers);
            await c.ExecuteAsync(CloseSql, new { Id = id, Status = "running", Price = price, At = now.UtcDateTime }, t);
            var shares = PoolViews.Shares(StoredPlan.From(plan), members);
            var departure = new DateTimeOffset(pool.DepartureDate.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            await tx.Enqueue(new PoolFormed
            {
                PoolId = id, OperatorOrg = pool.OperatorOrg, From = pool.Origin, To = pool.Destination,
                DepartureDate = pool.DepartureDate, PlannedDeparture = departure,
                PlannedArrival = departure.AddHours(TrainHours(transit, pool.Origin, pool.Destination)),
                ContainerType = pool.ContainerType, Containers = containers, PricePerContainerAmount = price, PriceCurrency = pool.Currency, FormedAt = now,
                Members = members.Select(m =>
                {
                    var mine = shares.GetValueOrDefault(m.Id) ?? [];
                    var shared = mine.Sum(s => s.Share);
                    return new PoolMember
                    {
                        MemberId = m.Id, Org = m.Org, CargoOfferId = m.CargoOfferId, FullContainers = m.Containers,
                        SharedContainers = shared, SharedContainerNumbers = mine.Select(s => s.Container).ToArray(),
                        WeightKg = m.WeightKg, VolumeM3 = m.VolumeM3, HsCode = m.HsCode,
                        PriceAmount = Math.Round((m.Containers + shared) * price, 2),
                    };
                }).ToArray(),
            });
            log.LogInformation("Pool {Pool} runs with {Containers} containers and {Members} members", id, containers, members.Count);
        }
        else
        {
            await c.ExecuteAsync(CloseSql, new { Id = id, Status = "cancelled", Price = (decimal?)null, At = now.UtcDateTime }, t);
            await c.ExecuteAsync(ReleaseOffersSql, new { Id = id }, t);
            var offers = members.Where(m => m.CargoOfferId is not null).ToArray();
            await tx.Enqueue(new PoolCancelled
            {
                PoolId = id, OperatorOrg = pool.OperatorOrg, From = pool.Origin, To = pool.Destination,
                DepartureDate = pool.DepartureDate, Containers = containers, MinContainers = pool.MinContainers,
                MemberOrgs = members.Select(m => m.Org).Distinct().ToArray(),
                CargoOfferIds = offers.Select(m => m.CargoOfferId!.Value).ToArray(), CancelledAt = now,
            });
            await tx.EnqueueAll(offers.Select(m => new CargoOfferUnpooled
            {
                PoolId = id, CargoOfferId = m.CargoOfferId!.Value, OwnerOrg = m.Org, Reason = "cancelled", At = now,
            }).ToArray());
            log.LogInformation("Pool {Pool} cancelled with {Containers} of {Min} containers", id, containers, pool.MinContainers);
        }
        await tx.Commit(ct);
        return true;
    }

    /// <summary>A lane the network does not connect gets a day: the shipment still has a plan the carrier's events correct.</summary>
    internal const double UnconnectedHours = 24;

    /// <summary>
    /// A pool names its departure, not its arrival, so the members' shipments are planned on the corridor data's
    /// fastest rail path (any mode where rail alone does not connect the two).
    /// </summary>
    private static double TrainHours(CorridorTransit transit, string from, string to) =>
        transit.Hours(from, to, "rail") ?? UnconnectedHours;
}
