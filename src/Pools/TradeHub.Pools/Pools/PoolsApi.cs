using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Http;
using TradeHub.Hosting.Messaging;
using TradeHub.Pools.Contracts;
using TradeHub.Pools.Packing;

namespace TradeHub.Pools.Pools;

public static class PoolsApi
{
    private const string InsertSql = """
        INSERT INTO pools (id, operator_org, origin, destination, departure_date, cutoff, min_containers, max_containers,
            container_type, price_at_min, price_at_max, currency, accepts_hazardous, created_at)
        VALUES (@Id, @OperatorOrg, @Origin, @Destination, @DepartureDate, @Cutoff, @MinContainers, @MaxContainers,
            @ContainerType, @PriceAtMin, @PriceAtMax, @Currency, @AcceptsHazardous, @CreatedAt)
        """;

    private const string ListSql = $"""
        SELECT {PoolSql.Columns} FROM pools
        WHERE (@From::text IS NULL OR origin = @From) AND (@To::text IS NULL OR destination = @To)
          AND (@Status::text IS NULL OR status = @Status) AND (@After::uuid IS NULL OR id < @After)
        ORDER BY id DESC LIMIT @Take
        """;

    private const string OfferSql = """
        SELECT id AS Id, owner_org AS OwnerOrg, origin AS Origin, destination AS Destination, ready_date AS ReadyDate,
            deliver_by AS DeliverBy, container_count AS ContainerCount, container_type AS ContainerType, weight_kg AS WeightKg,
            hs_code AS HsCode, hazardous AS Hazardous, open AS Open, pool_id AS PoolId
        FROM cargo_offers WHERE id = @Id FOR UPDATE
        """;

    private const string InsertMemberSql = """
        INSERT INTO pool_members (id, pool_id, org, cargo_offer_id, containers, weight_kg, volume_m3, hs_code, description, hazardous, joined_at)
        VALUES (@Id, @PoolId, @Org, @CargoOfferId, @Containers, @WeightKg, @VolumeM3, @HsCode, @Description, @Hazardous, @JoinedAt)
        """;

    private const string PoolOfferSql = "UPDATE cargo_offers SET pool_id = @PoolId WHERE id = @Id";
    private const string DeleteMemberSql = "DELETE FROM pool_members WHERE id = @Id";

    private static readonly string[] Statuses = ["open", "running", "cancelled"];

    public static IEndpointRouteBuilder MapPoolsApi(this IEndpointRouteBuilder app)
    {
        var pools = app.MapGroup("/api/pools").RequireAuthorization().WithTags("Pools");
        pools.MapPost("/", Open).RequireAuthorization(Roles.Carrier).Validate<OpenPool>().WithName("openPool")
            .WithSummary("A rail operator opens a pool for a departure: SMEs fill it with full containers and loose cargo until the cut-off.")
            .Produces<PoolView>(StatusCodes.Status201Created);
        pools.MapGet("/", List).WithName("listPools")
            .WithSummary("Pools with their fill (containers, share of the maximum) and the current price per container.")
            .Produces<Page<PoolView>>();
        pools.MapGet("/{id:guid}", Get).WithName("getPool")
            .WithSummary("A pool: its operator sees every member and the packing plan; a member sees its own share and the totals.")
            .Produces<PoolView>();
        pools.MapPost("/{id:guid}/members", Join).RequireAuthorization(Roles.Sme).Validate<JoinPool>().WithName("joinPool")
            .WithSummary("An SME joins with a cargo offer of full containers or with loose cargo; 409 past the cut-off or when the cargo cannot fit.")
            .Produces<Joined>(StatusCodes.Status201Created);
        pools.MapDelete("/{id:guid}/members/{memberId:guid}", Leave).WithName("leavePool")
            .WithSummary("The member's SME leaves the pool before the cut-off; a pooled cargo offer goes back to ordinary matching.")
            .Produces(StatusCodes.Status204NoContent);
        return app;
    }

    private static bool TryCaller(HttpContext http, out Caller caller, out IResult? refusal)
    {
        caller = Caller.From(http.User);
        refusal = string.IsNullOrEmpty(caller.Org) ? Refusal.Forbidden("The token names no organisation.") : null;
        return refusal is null;
    }

    private static async Task<IResult> Open(OpenPool request, HttpContext http, Outbox outbox, TimeProvider clock)
    {
        if (!TryCaller(http, out var caller, out var refusal)) return refusal!;
        if (!caller.Is(Roles.Carrier)) return Refusal.Forbidden("Only a carrier (a rail operator) opens a pool.");
        return await IdempotentCreate.Run(outbox, http, request, async (tx, _) =>
        {
            var now = clock.GetUtcNow();
            var row = new PoolRow
            {
                Id = Guid.CreateVersion7(), OperatorOrg = caller.Org, Origin = request.From!, Destination = request.To!,
                DepartureDate = request.DepartureDate!.Value, Cutoff = request.Cutoff!.Value.UtcDateTime,
                MinContainers = request.MinContainers!.Value, MaxContainers = request.MaxContainers!.Value,
                ContainerType = request.ContainerType!, PriceAtMin = request.PricePerContainerAtMin!.Amount!.Value,
                PriceAtMax = request.PricePerContainerAtMax!.Amount!.Value, Currency = request.PricePerContainerAtMin.Currency!,
                AcceptsHazardous = request.AcceptsHazardous ?? false, Status = "open", CreatedAt = now.UtcDateTime,
            };
            await tx.Connection.ExecuteAsync(InsertSql, row, tx.Transaction);
            return CreateOutcome<PoolView>.Created($"/api/pools/{row.Id}", PoolViews.Public(row));
        });
    }

    private static async Task<IResult> List(HttpContext http, NpgsqlDataSource db, string? from, string? to, string? status, int? limit, string? cursor)
    {
        if (!TryCaller(http, out _, out var refusal)) return refusal!;
        if (!Cursor.TryRead(limit, cursor, out var take, out var after, out var errors)) return TypedResults.ValidationProblem(errors);
        if (status is not null && !Statuses.Contains(status))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["'status' must be open, running or cancelled."] });
        await using var c = await db.OpenConnectionAsync(http.RequestAborted);
        var rows = (await c.QueryAsync<PoolRow>(ListSql, new { From = from, To = to, Status = status, After = after, Take = take + 1 })).AsList();
        var page = Cursor.Page(rows, take, p => p.Id);
        return TypedResults.Ok(new Page<PoolView>(page.Items.Select(PoolViews.Public).ToArray(), page.NextCursor));
    }

    private static async Task<IResult> Get(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        if (!TryCaller(http, out var caller, out var refusal)) return refusal!;
        await using var c = await db.OpenConnectionAsync(http.RequestAborted);
        var pool = await c.QuerySingleOrDefaultAsync<PoolRow>(PoolSql.ByIdSql, new { Id = id });
        if (pool is null) return Refusal.NotFound("pool");
        var members = await PoolSql.Members(c, null, id);
        return TypedResults.Ok(PoolViews.For(pool, members, caller.Org));
    }

    internal sealed class OfferRow
    {
        public Guid Id { get; init; }
        public string OwnerOrg { get; init; } = "";
        public string Origin { get; init; } = "";
        public string Destination { get; init; } = "";
        public DateOnly ReadyDate { get; init; }
        public DateOnly DeliverBy { get; init; }
        public int ContainerCount { get; init; }
        public string ContainerType { get; init; } = "";
        public decimal WeightKg { get; init; }
        public string? HsCode { get; init; }
        public bool Hazardous { get; init; }
        public bool Open { get; init; }
        public Guid? PoolId { get; init; }
    }

    private static async Task<IResult> Join(Guid id, JoinPool request, HttpContext http, Outbox outbox, Packer packer,
        PoolsOptions options, TimeProvider clock)
    {
        if (!TryCaller(http, out var caller, out var refusal)) return refusal!;
        if (!caller.Is(Roles.Sme)) return Refusal.Forbidden("Only an SME joins a pool.");
        return await IdempotentCreate.Run(outbox, http, (id, request), async (tx, _) =>
        {
            var (c, t) = tx;
            var now = clock.GetUtcNow();
            var pool = await PoolSql.Lock(c, t, id);
            if (pool is null) return CreateOutcome<Joined>.Refuse(Refusal.NotFound("pool"));
            if (pool.Status != "open" || pool.Cutoff <= now.UtcDateTime)
                return CreateOutcome<Joined>.Refuse(Conflict("cutoff", $"The pool's cut-off ({pool.Cutoff:u}) has passed; it is {(pool.Status == "open" ? "closing" : pool.Status)}."));

            var box = options.Loading.For(pool.ContainerType);
            MemberRow member;
            OfferRow? offer = null;
            if (request.CargoOfferId is { } offerId)
            {
                offer = await c.QuerySingleOrDefaultAsync<OfferRow>(OfferSql, new { Id = offerId }, t);
                if (offer is null || offer.OwnerOrg != caller.Org) return CreateOutcome<Joined>.Refuse(Refusal.NotFound("cargo offer"));
                if (!offer.Open) return CreateOutcome<Joined>.Refuse(Conflict("cargoOfferId", "The cargo offer is no longer open."));
                if (offer.PoolId is not null) return CreateOutcome<Joined>.Refuse(Conflict("cargoOfferId", "The cargo offer is already in a pool."));
                if (offer.Origin != pool.Origin || offer.Destination != pool.Destination)
                    return CreateOutcome<Joined>.Refuse(Conflict("cargoOfferId", $"The cargo offer's lane {offer.Origin}-{offer.Destination} is not the pool's {pool.Origin}-{pool.Destination}."));
                if (offer.ContainerType != pool.ContainerType)
                    return CreateOutcome<Joined>.Refuse(Conflict("containerType", $"The cargo offer is in {offer.ContainerType}; the pool runs {pool.ContainerType}."));
                if (offer.ReadyDate > pool.DepartureDate || offer.DeliverBy < pool.DepartureDate)
                    return CreateOutcome<Joined>.Refuse(Conflict("departureDate", $"The departure on {pool.DepartureDate:yyyy-MM-dd} is outside the cargo offer's dates ({offer.ReadyDate:yyyy-MM-dd} to {offer.DeliverBy:yyyy-MM-dd})."));
                if (offer.Hazardous && !pool.AcceptsHazardous)
                    return CreateOutcome<Joined>.Refuse(Conflict("hazardous", "The pool does not accept hazardous cargo."));
                if (offer.WeightKg > offer.ContainerCount * box.MaxCargoKg)
                    return CreateOutcome<Joined>.Refuse(Conflict("weightKg", $"{offer.WeightKg:0} kg in {offer.ContainerCount} x {offer.ContainerType} exceeds the train's {box.MaxCargoKg:0} kg of cargo per box."));
                member = new MemberRow
                {
                    Id = Guid.CreateVersion7(), PoolId = id, Org = caller.Org, CargoOfferId = offer.Id, Containers = offer.ContainerCount,
                    WeightKg = offer.WeightKg, HsCode = offer.HsCode, Hazardous = offer.Hazardous, JoinedAt = now.UtcDateTime,
                };
            }
            else
            {
                if (request.Hazardous == true && !pool.AcceptsHazardous)
                    return CreateOutcome<Joined>.Refuse(Conflict("hazardous", "The pool does not accept hazardous cargo."));
                if (request.WeightKg > box.MaxCargoKg)
                    return CreateOutcome<Joined>.Refuse(Conflict("weightKg", $"{request.WeightKg:0} kg exceeds the {box.MaxCargoKg:0} kg of cargo one {pool.ContainerType} carries on this train."));
                if (request.VolumeM3 > box.VolumeM3)
                    return CreateOutcome<Joined>.Refuse(Conflict("volumeM3", $"{request.VolumeM3} m3 exceeds the {box.VolumeM3} m3 of one {pool.ContainerType}."));
                member = new MemberRow
                {
                    Id = Guid.CreateVersion7(), PoolId = id, Org = caller.Org, WeightKg = request.WeightKg!.Value, VolumeM3 = request.VolumeM3,
                    HsCode = request.HsCode, Description = request.Description, Hazardous = request.Hazardous ?? false, JoinedAt = now.UtcDateTime,
                };
            }

            if (pool.CargoKg + member.WeightKg > options.Loading.MaxTrainCargoKg)
                return CreateOutcome<Joined>.Refuse(Conflict("weightKg", $"The train would carry {pool.CargoKg + member.WeightKg:0} kg of cargo, over its {options.Loading.MaxTrainCargoKg:0} kg."));
            var members = await PoolSql.Members(c, t, id);
            members.Add(member);
            var plan = PoolSql.Pack(packer, pool, members, options.JoinSolverTimeLimit);
            var containers = members.Sum(m => m.Containers) + plan.Containers.Count;
            if (containers > pool.MaxContainers)
                return CreateOutcome<Joined>.Refuse(Conflict("containers", $"The train would need {containers} containers, over its maximum of {pool.MaxContainers}."));

            await c.ExecuteAsync(InsertMemberSql, member, t);
            await PoolSql.Refill(c, t, id, members, plan);
            if (offer is not null)
            {
                await c.ExecuteAsync(PoolOfferSql, new { PoolId = id, offer.Id }, t);
                await tx.Enqueue(new CargoOfferPooled { PoolId = id, MemberId = member.Id, CargoOfferId = offer.Id, OwnerOrg = caller.Org, At = now });
            }
            var after = (await c.QuerySingleAsync<PoolRow>(PoolSql.ByIdSql, new { Id = id }, t));
            await tx.Enqueue(new PoolMemberJoined
            {
                PoolId = id, MemberId = member.Id, OperatorOrg = pool.OperatorOrg, MemberOrg = caller.Org, Containers = after.Containers,
                PricePerContainerAmount = after.CurrentPrice, PriceCurrency = after.Currency, JoinedAt = now,
            });
            var view = PoolViews.For(after, members, caller.Org);
            var mine = view.Members!.First(m => m.Id == member.Id);
            return CreateOutcome<Joined>.Created($"/api/pools/{id}", new Joined(member.Id, id, mine, view));
        });
    }

    private static async Task<IResult> Leave(Guid id, Guid memberId, HttpContext http, Outbox outbox, Packer packer,
        PoolsOptions options, TimeProvider clock)
    {
        if (!TryCaller(http, out var caller, out var refusal)) return refusal!;
        if (!caller.Is(Roles.Sme)) return Refusal.Forbidden("Only the member's SME leaves a pool.");
        await using var tx = await outbox.Begin(http.RequestAborted);
        var (c, t) = tx;
        var now = clock.GetUtcNow();
        var pool = await PoolSql.Lock(c, t, id);
        if (pool is null) return Refusal.NotFound("pool");
        var members = await PoolSql.Members(c, t, id);
        var member = members.FirstOrDefault(m => m.Id == memberId && m.Org == caller.Org);
        if (member is null) return Refusal.NotFound("member");
        if (pool.Status != "open" || pool.Cutoff <= now.UtcDateTime)
            return Conflict("cutoff", $"The pool's cut-off ({pool.Cutoff:u}) has passed: members can no longer leave.");

        members.Remove(member);
        await c.ExecuteAsync(DeleteMemberSql, new { member.Id }, t);
        await PoolSql.Refill(c, t, id, members, PoolSql.Pack(packer, pool, members, options.JoinSolverTimeLimit));
        if (member.CargoOfferId is { } offerId)
        {
            await c.ExecuteAsync(PoolOfferSql, new { PoolId = (Guid?)null, Id = offerId }, t);
            await tx.Enqueue(new CargoOfferUnpooled { PoolId = id, CargoOfferId = offerId, OwnerOrg = caller.Org, Reason = "left", At = now });
        }
        await tx.Commit(http.RequestAborted);
        return TypedResults.NoContent();
    }

    /// <summary>A 409 naming what does not fit (the field or rule) in its errors, like a 400 names its field.</summary>
    internal static ProblemHttpResult Conflict(string field, string detail) =>
        TypedResults.Problem(statusCode: 409, title: "The request conflicts with the pool.", detail: detail,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [detail] } });
}
