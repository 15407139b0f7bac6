using System.Text.Json;
using System.Threading.Channels;
using Dapper;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Tenders.Contracts;
using TradeHub.Tenders.Tenders;

namespace TradeHub.Tenders.Award;

/// <summary>
/// Solves awards off the request path. The tender's status is the queue: closing sets it to solving (the owner's
/// close, or this sweep when closesAt passes), and a solver claims a solving tender with a lease under
/// FOR UPDATE SKIP LOCKED, solves it, and stores inputs, award and the TenderAwarded event in one transaction. An
/// instance killed mid-solve leaves the tender solving; its lease runs out and the solve runs again, with the same
/// result (the model is deterministic).
/// </summary>
public sealed class AwardSolver(NpgsqlDataSource db, Outbox outbox, TendersOptions options, ILogger<AwardSolver> log) : BackgroundService
{
    private static event Action? Closed;

    /// <summary>Wakes every solver of this process (a tender was just closed).</summary>
    public static void WakeAll() => Closed?.Invoke();

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private void Wake() => _wake.Writer.TryWrite(true);

    private const string CloseDueSql = """
        WITH due AS (
            SELECT id FROM tenders WHERE status = 'open' AND closes_at <= now() ORDER BY closes_at LIMIT 100 FOR UPDATE SKIP LOCKED
        )
        UPDATE tenders t SET status = 'solving', closed_at = now() FROM due WHERE t.id = due.id
        RETURNING t.id AS Id, t.owner_org AS OwnerOrg, t.closed_at AS ClosedAt
        """;

    private const string ClaimSql = """
        UPDATE tenders SET solve_lease_until = now() + @Lease
        WHERE id = (
            SELECT id FROM tenders WHERE status = 'solving' AND (solve_lease_until IS NULL OR solve_lease_until < now())
            ORDER BY closed_at LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING id AS Id, owner_org AS OwnerOrg, max_carriers AS MaxCarriers
        """;

    private const string BidsSql = """
        SELECT carrier_org AS CarrierOrg, packages::text AS Packages, exclusive::text AS Exclusive, max_containers AS MaxContainers,
            placed_at AS PlacedAt
        FROM tender_bids WHERE tender_id = @Id ORDER BY carrier_org
        """;

    private static readonly string StoreSql = Outbox.WithEvent("""
        UPDATE tenders SET status = @Status, inputs = CAST(@Inputs AS jsonb), award = CAST(@Award AS jsonb), awarded_at = @At,
            solve_lease_until = NULL
        WHERE id = @Id AND status = 'solving'
        """);

    private sealed record Due(Guid Id, string OwnerOrg, DateTime ClosedAt);

    private sealed record Claimed(Guid Id, string OwnerOrg, int? MaxCarriers);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Closed += Wake;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await CloseDue(stoppingToken);
                    while (await SolveOne(stoppingToken)) { }
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
                {
                    log.LogWarning(e, "Tender sweep failed; trying again");
                }
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(options.SweepInterval);
                try { await _wake.Reader.ReadAsync(timeout.Token); }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested) { }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally
        {
            Closed -= Wake;
        }
    }

    /// <summary>Tenders whose closesAt passed: closed with their TenderClosed events, then solved like any other.</summary>
    internal async Task CloseDue(CancellationToken ct)
    {
        await using var tx = await outbox.Begin(ct);
        var due = (await tx.Connection.QueryAsync<Due>(CloseDueSql, transaction: tx.Transaction)).AsList();
        if (due.Count == 0) return;
        var events = new List<TenderClosed>();
        foreach (var tender in due)
        {
            var bidders = (await tx.Connection.QueryAsync<string>(TendersApi.BiddersSql, new { tender.Id }, tx.Transaction)).AsList();
            events.Add(new TenderClosed
            {
                TenderId = tender.Id, OwnerOrg = tender.OwnerOrg, Bidders = bidders,
                ClosedAt = new DateTimeOffset(DateTime.SpecifyKind(tender.ClosedAt, DateTimeKind.Utc)),
            });
        }
        await tx.EnqueueAll(events);
        await tx.Commit(ct);
    }

    /// <summary>Claims one solving tender and stores its award; false when there is none to claim.</summary>
    internal async Task<bool> SolveOne(CancellationToken ct)
    {
        Claimed? claimed;
        var lease = options.SolveTimeLimit * 2 + TimeSpan.FromSeconds(60);
        await using (var connection = await db.OpenConnectionAsync(ct))
            claimed = await connection.QuerySingleOrDefaultAsync<Claimed>(ClaimSql, new { Lease = lease });
        if (claimed is null) return false;

        List<LaneRow> lanes;
        List<BidRow> bids;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            lanes = (await connection.QueryAsync<LaneRow>(TendersApi.LanesSql, new { claimed.Id })).AsList();
            bids = (await connection.QueryAsync<BidRow>(BidsSql, new { claimed.Id })).AsList();
        }
        var problem = new AwardProblem(
            lanes.Select(l => new AwardLane(l.Ref, l.ContainerCount)).ToList(),
            bids.Select(b =>
            {
                var view = b.View();
                return new AwardBid(b.CarrierOrg,
                    view.Packages.Select(p => new AwardPackage(p.Ref!, p.Lanes!.Select(l => new AwardPackageLane(l.Ref!, l.PricePerContainer!.Value)).ToList())).ToList(),
                    view.Exclusive, view.MaxContainers);
            }).ToList(),
            claimed.MaxCarriers);

        var settings = new AwardSettings { TimeLimit = options.SolveTimeLimit, Workers = options.SolverWorkers };
        // The solve is CPU work of its own threads; the request threads never wait on it.
        var award = await Task.Run(() => AwardModel.Solve(problem, settings), ct);
        log.LogInformation("Tender {TenderId} solved: {Outcome}, {Lanes} lanes, {Bids} bids, gap {Gap:P2} in {Seconds:F2} s",
            claimed.Id, award.Outcome, lanes.Count, bids.Count, award.Gap, award.SolveSeconds);

        var now = DateTimeOffset.UtcNow;
        var status = award.Assignments.Count == 0 ? "unawarded" : "awarded";
        var byRef = lanes.ToDictionary(l => l.Ref, StringComparer.Ordinal);
        var awarded = new TenderAwarded
        {
            TenderId = claimed.Id,
            OwnerOrg = claimed.OwnerOrg,
            Status = status,
            Optimal = award.Optimal,
            TotalCost = award.TotalCost,
            Currency = Freight.Currency,
            Lanes = award.Assignments.Select(a =>
            {
                var lane = byRef[a.LaneRef];
                return new AwardedLane
                {
                    LaneRef = a.LaneRef, Origin = lane.Origin, Destination = lane.Destination, Mode = lane.Mode,
                    ContainerCount = lane.ContainerCount, ContainerType = lane.ContainerType, From = lane.FromDate, To = lane.ToDate,
                    CarrierOrg = a.Carrier, PackageRef = a.PackageRef, PricePerContainer = a.PricePerContainer,
                };
            }).ToList(),
            Uncovered = award.Uncovered,
            Bidders = bids.Select(b => b.CarrierOrg).ToList(),
            AwardedAt = now,
        };
        await using var tx = await outbox.Begin(ct);
        await tx.Connection.ExecuteAsync(StoreSql, tx.Event(awarded, new
        {
            claimed.Id, Status = status, At = now.UtcDateTime,
            Inputs = JsonSerializer.Serialize(problem, TendersApi.Json),
            Award = JsonSerializer.Serialize(award, TendersApi.Json),
        }), tx.Transaction);
        await tx.Commit(ct);
        return true;
    }
}
