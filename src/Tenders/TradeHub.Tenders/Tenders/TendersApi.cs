using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Http;
using TradeHub.Hosting.Messaging;
using TradeHub.Shipments.Contracts;
using TradeHub.Tenders.Award;
using TradeHub.Tenders.Contracts;

namespace TradeHub.Tenders.Tenders;

public sealed record TenderLaneView(
    string Ref, string Origin, string Destination, string? Mode, Containers Containers, DateOnly From, DateOnly To);

/// <summary>A carrier's own bid as stored.</summary>
public sealed record TenderBidView(IReadOnlyList<BidPackage> Packages, IReadOnlyList<IReadOnlyList<string>> Exclusive, int? MaxContainers, DateTime PlacedAt);

/// <summary>
/// A tender. Bids are sealed: the owner sees how many carriers bid, a carrier sees only its own bid, nobody sees
/// another carrier's prices. MinTrustScore: the trust score a carrier needs to bid (null: anyone).
/// </summary>
public sealed record TenderView(
    Guid Id, string OwnerOrg, string Title, DateTimeOffset ClosesAt, int? MaxCarriers, int? MinTrustScore, string Status,
    IReadOnlyList<TenderLaneView> Lanes, int? BidCount, TenderBidView? YourBid, DateTime CreatedAt, DateTime? ClosedAt, DateTime? AwardedAt);

public sealed record TenderSummary(Guid Id, string OwnerOrg, string Title, DateTimeOffset ClosesAt, string Status, int LaneCount, DateTime CreatedAt);

public sealed record BidAccepted(Guid TenderId, string Carrier, int Packages, bool Replaced, DateTime PlacedAt);

public sealed record CloseAccepted(Guid Id, string Status);

/// <summary>A lane and the carrier that won it, with that carrier's latest trust score (docs/trust.md).</summary>
public sealed record AssignmentView(string LaneRef, string Carrier, string PackageRef, decimal PricePerContainer, int CarrierTrustScore);

/// <summary>
/// The award: the owner sees all of it; a carrier sees only its own lanes (no totals, no other carrier).
/// Before the solve finishes it carries the tender's status and nothing else.
/// </summary>
public sealed record AwardView(
    string Status, bool? Optimal, double? Gap, decimal? TotalCost, decimal? LaneByLaneCost, decimal? Savings, string Currency,
    IReadOnlyList<AssignmentView> Assignments, IReadOnlyList<string> Uncovered, IReadOnlyList<string> Explanation, DateTime? AwardedAt);

internal sealed record TenderRow(
    Guid Id, string OwnerOrg, string Title, DateTime ClosesAt, int? MaxCarriers, string Status, DateTime CreatedAt,
    DateTime? ClosedAt, DateTime? AwardedAt, string? Award, int? MinTrustScore);

internal sealed record LaneRow(
    string Ref, string Origin, string Destination, string? Mode, int ContainerCount, string ContainerType, DateOnly FromDate, DateOnly ToDate)
{
    public TenderLaneView View() => new(Ref, Origin, Destination, Mode, new Containers(ContainerCount, ContainerType), FromDate, ToDate);
}

internal sealed record BidRow(string CarrierOrg, string Packages, string Exclusive, int? MaxContainers, DateTime PlacedAt)
{
    public TenderBidView View() => new(
        JsonSerializer.Deserialize<List<BidPackage>>(Packages, TendersApi.Json)!,
        JsonSerializer.Deserialize<List<List<string>>>(Exclusive, TendersApi.Json)!,
        MaxContainers, PlacedAt);
}

public static class TendersApi
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string Columns = """
        id AS Id, owner_org AS OwnerOrg, title AS Title, closes_at AS ClosesAt, max_carriers AS MaxCarriers, status AS Status,
        created_at AS CreatedAt, closed_at AS ClosedAt, awarded_at AS AwardedAt, award::text AS Award,
        min_trust_score AS MinTrustScore
        """;

    private const string ByIdSql = $"SELECT {Columns} FROM tenders WHERE id = @Id";

    internal const string LanesSql = """
        SELECT ref AS Ref, origin AS Origin, destination AS Destination, mode AS Mode, container_count AS ContainerCount,
            container_type AS ContainerType, from_date AS FromDate, to_date AS ToDate
        FROM tender_lanes WHERE tender_id = @Id ORDER BY position
        """;

    private const string InsertTenderSql = """
        INSERT INTO tenders (id, owner_org, title, closes_at, max_carriers, min_trust_score, created_at)
        VALUES (@Id, @Org, @Title, @ClosesAt, @MaxCarriers, @MinTrustScore, @At)
        """;

    private const string InsertLanesSql = """
        INSERT INTO tender_lanes (tender_id, ref, position, origin, destination, mode, container_count, container_type, from_date, to_date)
        SELECT @Id, l.ref, l.n, l.origin, l.destination, l.mode, l.count, l.type, l.from_date, l.to_date
        FROM unnest(@Refs, @Origins, @Destinations, @Modes, @Counts, @Types, @Froms, @Tos)
            WITH ORDINALITY AS l(ref, origin, destination, mode, count, type, from_date, to_date, n)
        """;

    // Owners see their own tenders; carriers see open ones and those they bid on.
    private const string ListSql = """
        SELECT t.id AS Id, t.owner_org AS OwnerOrg, t.title AS Title, t.closes_at AS ClosesAt, t.status AS Status,
            (SELECT count(*)::int FROM tender_lanes l WHERE l.tender_id = t.id) AS LaneCount, t.created_at AS CreatedAt
        FROM tenders t
        WHERE (CASE WHEN @Carrier THEN (t.status = 'open' OR EXISTS (SELECT 1 FROM tender_bids b WHERE b.tender_id = t.id AND b.carrier_org = @Org))
                    ELSE t.owner_org = @Org END)
          AND (@Status::text IS NULL OR t.status = @Status)
          AND (@After::uuid IS NULL OR t.id < @After)
        ORDER BY t.id DESC LIMIT @Take
        """;

    private const string BidCountSql = "SELECT count(*)::int FROM tender_bids WHERE tender_id = @Id";

    private const string OwnBidSql = """
        SELECT carrier_org AS CarrierOrg, packages::text AS Packages, exclusive::text AS Exclusive, max_containers AS MaxContainers,
            placed_at AS PlacedAt
        FROM tender_bids WHERE tender_id = @Id AND carrier_org = @Org
        """;

    // The row lock orders a bid against a concurrent close: a bid either lands before the close commits or sees it closed.
    private const string LockOpenSql = """
        SELECT status AS Status, closes_at AS ClosesAt, min_trust_score AS MinTrustScore FROM tenders WHERE id = @Id FOR SHARE
        """;

    /// <summary>The latest trust score Tenders holds of each organisation (TrustScoreChanged).</summary>
    private const string TrustScoresSql = "SELECT org AS Org, score AS Score FROM trust_scores WHERE org = ANY(@Orgs)";

    private const string UpsertBidSql = """
        INSERT INTO tender_bids (tender_id, carrier_org, id, packages, exclusive, max_containers, placed_at)
        VALUES (@Id, @Org, @BidId, CAST(@Packages AS jsonb), CAST(@Exclusive AS jsonb), @MaxContainers, @At)
        ON CONFLICT (tender_id, carrier_org) DO UPDATE SET id = EXCLUDED.id, packages = EXCLUDED.packages,
            exclusive = EXCLUDED.exclusive, max_containers = EXCLUDED.max_containers, placed_at = EXCLUDED.placed_at
        RETURNING (xmax <> 0) AS replaced
        """;

    private const string CloseSql = """
        UPDATE tenders SET status = 'solving', closed_at = @At WHERE id = @Id AND owner_org = @Org AND status = 'open'
        """;

    internal const string BiddersSql = "SELECT carrier_org FROM tender_bids WHERE tender_id = @Id ORDER BY carrier_org";

    public static IEndpointRouteBuilder MapTendersApi(this IEndpointRouteBuilder app)
    {
        var tenders = app.MapGroup("/api/tenders").RequireAuthorization().WithTags("Tenders");
        tenders.MapPost("/", Create).Validate<CreateTender>().WithName("createTender")
            .WithSummary("Opens a tender: lanes carriers bid on in packages until closesAt (sme).")
            .Produces<TenderView>(StatusCodes.Status201Created);
        tenders.MapGet("/", List).WithName("listTenders")
            .WithSummary("The owner's tenders; a carrier sees open tenders and those it bid on.")
            .Produces<Page<TenderSummary>>();
        tenders.MapGet("/{id:guid}", Get).WithName("getTender")
            .WithSummary("One tender with its lanes; bids stay sealed (the owner sees their count, a carrier its own).")
            .Produces<TenderView>();
        tenders.MapPost("/{id:guid}/bids", PlaceBid).Validate<PlaceTenderBid>().WithName("placeTenderBid")
            .WithSummary("A carrier's sealed package bid; a later bid replaces its earlier one until the tender closes (409 after).")
            .Produces<BidAccepted>(StatusCodes.Status201Created);
        tenders.MapPost("/{id:guid}/close", Close).WithName("closeTender")
            .WithSummary("Closes the tender (owner): status solving, then awarded or unawarded once the solver has run.")
            .Produces<CloseAccepted>(StatusCodes.Status202Accepted);
        tenders.MapGet("/{id:guid}/award", GetAward).WithName("getTenderAward")
            .WithSummary("The award: the owner sees all of it with the savings; a carrier sees its own lanes.")
            .Produces<AwardView>();
        return app;
    }

    internal static ProblemHttpResult NotFound() => Refusal.NotFound("tender");

    /// <summary>"1 lane", "2 lanes": a count with its noun in the right number.</summary>
    internal static string Counted(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    // Under an Idempotency-Key a repeated request gets the first answer (Hosting's IdempotentCreate, as Listings does).
    private static async Task<IResult> Create(CreateTender request, HttpContext http, Outbox outbox, TimeProvider clock) =>
        await IdempotentCreate.Run(outbox, http, request, async (tx, caller) =>
        {
            if (!caller.Is(Roles.Sme) || string.IsNullOrEmpty(caller.Org))
                return CreateOutcome<TenderView>.Refuse(Refusal.Forbidden("Only an SME opens a tender."));
            var id = Guid.CreateVersion7();
            var now = clock.GetUtcNow().UtcDateTime;
            var lanes = request.Lanes!;
            await tx.Connection.ExecuteAsync(InsertTenderSql, new
            {
                Id = id, caller.Org, request.Title, ClosesAt = request.ClosesAt!.Value.UtcDateTime, request.MaxCarriers,
                request.MinTrustScore, At = now,
            }, tx.Transaction);
            await tx.Connection.ExecuteAsync(InsertLanesSql, new
            {
                Id = id,
                Refs = lanes.Select(l => l.Ref!).ToArray(),
                Origins = lanes.Select(l => l.Origin!).ToArray(),
                Destinations = lanes.Select(l => l.Destination!).ToArray(),
                Modes = lanes.Select(l => l.Mode).ToArray(),
                Counts = lanes.Select(l => l.Containers!.Count!.Value).ToArray(),
                Types = lanes.Select(l => l.Containers!.Type!).ToArray(),
                Froms = lanes.Select(l => l.From!.Value).ToArray(),
                Tos = lanes.Select(l => l.To!.Value).ToArray(),
            }, tx.Transaction);
            await tx.Enqueue(new TenderOpened
            {
                TenderId = id, OwnerOrg = caller.Org, Title = request.Title!, LaneCount = lanes.Count, ClosesAt = request.ClosesAt!.Value,
            });
            var view = new TenderView(id, caller.Org, request.Title!, request.ClosesAt!.Value.ToUniversalTime(), request.MaxCarriers,
                request.MinTrustScore, "open",
                lanes.Select(l => new TenderLaneView(l.Ref!, l.Origin!, l.Destination!, l.Mode, l.Containers!, l.From!.Value, l.To!.Value)).ToList(),
                0, null, now, null, null);
            return CreateOutcome<TenderView>.Created($"/api/tenders/{id}", view);
        });

    private static async Task<IResult> List(HttpContext http, NpgsqlDataSource db, string? status, int? limit, string? cursor)
    {
        var caller = Caller.From(http.User);
        if (!(caller.Is(Roles.Sme) || caller.Is(Roles.Carrier)) || string.IsNullOrEmpty(caller.Org))
            return Refusal.Forbidden("Tenders are for their SME owners and carriers.");
        if (status is not null && status is not ("open" or "solving" or "awarded" or "unawarded"))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                { ["status"] = ["'status' must be one of open, solving, awarded, unawarded."] });
        if (!Cursor.TryRead(limit, cursor, out var size, out var after, out var errors)) return TypedResults.ValidationProblem(errors);
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var rows = (await connection.QueryAsync<TenderSummaryRow>(ListSql, new
        {
            Carrier = caller.Is(Roles.Carrier), caller.Org, Status = status, After = after, Take = size + 1,
        })).AsList();
        var page = Cursor.Page(rows, size, r => r.Id);
        return TypedResults.Ok(new Page<TenderSummary>(page.Items.Select(r => r.View()).ToList(), page.NextCursor));
    }

    internal sealed record TenderSummaryRow(Guid Id, string OwnerOrg, string Title, DateTime ClosesAt, string Status, int LaneCount, DateTime CreatedAt)
    {
        public TenderSummary View() => new(Id, OwnerOrg, Title, new DateTimeOffset(ClosesAt, TimeSpan.Zero), Status, LaneCount, CreatedAt);
    }

    private static async Task<IResult> Get(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var tender = await connection.QuerySingleOrDefaultAsync<TenderRow>(ByIdSql, new { Id = id });
        if (tender is null) return NotFound();
        var owner = caller.Is(Roles.Sme) && tender.OwnerOrg == caller.Org;
        TenderBidView? own = null;
        if (caller.Is(Roles.Carrier) && !string.IsNullOrEmpty(caller.Org))
        {
            own = (await connection.QuerySingleOrDefaultAsync<BidRow>(OwnBidSql, new { Id = id, caller.Org }))?.View();
            if (own is null && tender.Status != "open") return NotFound();
        }
        else if (!owner) return NotFound();
        var lanes = (await connection.QueryAsync<LaneRow>(LanesSql, new { Id = id })).Select(l => l.View()).ToList();
        int? bidCount = owner ? await connection.ExecuteScalarAsync<int>(BidCountSql, new { Id = id }) : null;
        return TypedResults.Ok(new TenderView(tender.Id, tender.OwnerOrg, tender.Title, new DateTimeOffset(tender.ClosesAt, TimeSpan.Zero),
            tender.MaxCarriers, tender.MinTrustScore, tender.Status, lanes, bidCount, own, tender.CreatedAt, tender.ClosedAt, tender.AwardedAt));
    }

    private sealed record OpenState(string Status, DateTime ClosesAt, int? MinTrustScore);

    // The tender id is part of the hashed request: one key reused on another tender is a 409, not a replay.
    private static async Task<IResult> PlaceBid(Guid id, PlaceTenderBid request, HttpContext http, Outbox outbox, TimeProvider clock) =>
        await IdempotentCreate.Run(outbox, http, (id, request), async (work, caller) =>
        {
            if (!caller.Is(Roles.Carrier) || string.IsNullOrEmpty(caller.Org))
                return CreateOutcome<BidAccepted>.Refuse(Refusal.Forbidden("Only a carrier bids on a tender."));
            var (connection, tx) = work;
            var state = await connection.QuerySingleOrDefaultAsync<OpenState>(LockOpenSql, new { Id = id }, tx);
            if (state is null) return CreateOutcome<BidAccepted>.Refuse(NotFound());
            var now = clock.GetUtcNow().UtcDateTime;
            if (state.Status != "open" || state.ClosesAt <= now)
                return CreateOutcome<BidAccepted>.Refuse(TypedResults.Problem(statusCode: 409, title: "The tender is closed.",
                    detail: "Bids are taken only until the tender closes."));
            // As Listings does for a cargo offer's minimum: a carrier without a record has the score without one.
            var trustScore = (await connection.QueryAsync<TrustScoreRow>(TrustScoresSql, new { Orgs = new[] { caller.Org } }, tx))
                .Select(r => (int?)r.Score).SingleOrDefault() ?? TrustScoreChanged.WithoutRecord;
            if (state.MinTrustScore is { } minimum && trustScore < minimum)
                return CreateOutcome<BidAccepted>.Refuse(Refusal.Forbidden(
                    $"This tender takes bids only from carriers with a trust score of at least {minimum}; " +
                    $"{caller.Org} has {trustScore} (GET /api/organisations/{caller.Org}/trust explains it)."));
            var laneRefs = (await connection.QueryAsync<LaneRow>(LanesSql, new { Id = id }, tx)).Select(l => l.Ref).ToHashSet(StringComparer.Ordinal);
            var errors = BidRules.Check(request, laneRefs);
            if (errors.Count > 0)
                return CreateOutcome<BidAccepted>.Refuse(TypedResults.ValidationProblem(errors, title: "The request has invalid fields."));
            var replaced = await connection.ExecuteScalarAsync<bool>(UpsertBidSql, new
            {
                Id = id, caller.Org, BidId = Guid.CreateVersion7(),
                Packages = JsonSerializer.Serialize(request.Packages, Json),
                Exclusive = JsonSerializer.Serialize(request.Exclusive ?? [], Json),
                request.MaxContainers, At = now,
            }, tx);
            return CreateOutcome<BidAccepted>.Created($"/api/tenders/{id}",
                new BidAccepted(id, caller.Org, request.Packages!.Count, replaced, now));
        });

    private sealed record TrustScoreRow(string Org, int Score);

    /// <summary>The latest score of each organisation; one without a record has the score without one.</summary>
    private static async Task<Func<string, int>> TrustScores(NpgsqlConnection connection, IEnumerable<string> orgs)
    {
        var known = (await connection.QueryAsync<TrustScoreRow>(TrustScoresSql, new { Orgs = orgs.Distinct().ToArray() }))
            .ToDictionary(r => r.Org, r => r.Score, StringComparer.Ordinal);
        return org => known.GetValueOrDefault(org, TrustScoreChanged.WithoutRecord);
    }

    private static async Task<IResult> Close(Guid id, HttpContext http, Outbox outbox, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        if (!caller.Is(Roles.Sme)) return Refusal.Forbidden("Only the tender's owner closes it.");
        var now = clock.GetUtcNow();
        await using var tx = await outbox.Begin(http.RequestAborted);
        var changed = await tx.Connection.ExecuteAsync(CloseSql, new { Id = id, caller.Org, At = now.UtcDateTime }, tx.Transaction);
        if (changed == 0)
        {
            var tender = await tx.Connection.QuerySingleOrDefaultAsync<TenderRow>(ByIdSql, new { Id = id }, tx.Transaction);
            if (tender is null || tender.OwnerOrg != caller.Org) return NotFound();
            return TypedResults.Problem(statusCode: 409, title: "The tender is already closed.", detail: $"Its status is {tender.Status}.");
        }
        var bidders = (await tx.Connection.QueryAsync<string>(BiddersSql, new { Id = id }, tx.Transaction)).AsList();
        await tx.Enqueue(new TenderClosed { TenderId = id, OwnerOrg = caller.Org, Bidders = bidders, ClosedAt = now });
        await tx.Commit(http.RequestAborted);
        AwardSolver.WakeAll();
        return TypedResults.Accepted($"/api/tenders/{id}/award", new CloseAccepted(id, "solving"));
    }

    private static async Task<IResult> GetAward(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var tender = await connection.QuerySingleOrDefaultAsync<TenderRow>(ByIdSql, new { Id = id });
        if (tender is null) return NotFound();
        var owner = caller.Is(Roles.Sme) && tender.OwnerOrg == caller.Org;
        if (!owner)
        {
            if (!caller.Is(Roles.Carrier) || string.IsNullOrEmpty(caller.Org)) return NotFound();
            if (await connection.QuerySingleOrDefaultAsync<BidRow>(OwnBidSql, new { Id = id, caller.Org }) is null) return NotFound();
        }
        if (tender.Award is null)
            return TypedResults.Ok(new AwardView(tender.Status, null, null, null, null, null, Freight.Currency, [], [], [], null));
        var award = JsonSerializer.Deserialize<AwardResult>(tender.Award, Json)!;
        // The score now, not at the award: the shipper decides on the carrier's record as it stands.
        var trustScore = await TrustScores(connection, award.Assignments.Select(a => a.Carrier));
        var assignments = award.Assignments
            .Select(a => new AssignmentView(a.LaneRef, a.Carrier, a.PackageRef, a.PricePerContainer, trustScore(a.Carrier))).ToList();
        if (owner)
            return TypedResults.Ok(new AwardView(tender.Status, award.Optimal, award.Gap, award.TotalCost, award.LaneByLaneCost, award.Savings,
                Freight.Currency, assignments, award.Uncovered, award.Explanation, tender.AwardedAt));
        // A carrier learns what it won, never the others' lanes, prices or the shipper's totals.
        var mine = assignments.Where(a => a.Carrier == caller.Org).ToList();
        var explanation = mine.Count == 0
            ? new[] { "None of your packages is part of the award." }
            : [$"You won {Counted(mine.Count, "lane")}: {string.Join(", ", mine.Select(a => a.LaneRef))}."];
        return TypedResults.Ok(new AwardView(tender.Status, award.Optimal, null, null, null, null, Freight.Currency, mine, [], explanation,
            tender.AwardedAt));
    }
}
