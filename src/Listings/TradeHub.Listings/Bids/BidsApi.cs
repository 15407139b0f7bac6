using Dapper;
using FluentValidation;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Http;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.CargoOffers;
using TradeHub.Listings.Common;
using TradeHub.Listings.Contracts;
using TradeHub.Shipments.Contracts;

namespace TradeHub.Listings.Bids;

/// <summary>A carrier's sealed bid on a cargo offer.</summary>
public sealed record PlaceBid(Money? Price, int? TransitDays, DateOnly? ValidUntil, string? RouteId, string? Note);

public sealed class PlaceBidValidator : AbstractValidator<PlaceBid>
{
    public PlaceBidValidator(TimeProvider clock)
    {
        RuleFor(b => b.Price).ValidMoney();
        RuleFor(b => b.TransitDays).NotNull().InclusiveBetween(1, 180);
        RuleFor(b => b.ValidUntil).NotInThePast(clock);
        RuleFor(b => b.RouteId).MaximumLength(100);
        RuleFor(b => b.Note).MaximumLength(2000);
    }
}

/// <summary>A bid as its carrier and the cargo owner see it, with the carrier's trust score (docs/trust.md).</summary>
public sealed record BidView(
    Guid Id, Guid CargoOfferId, string Carrier, Money Price, int TransitDays, DateOnly ValidUntil,
    string? RouteId, string? Note, string Status, DateTime CreatedAt, int CarrierTrustScore);

/// <summary>A bids row with the carrier's latest trust score (none received yet: null).</summary>
internal sealed record BidRow(
    Guid Id, Guid CargoOfferId, string CarrierOrg, decimal PriceAmount, string PriceCurrency, int TransitDays,
    DateOnly ValidUntil, string? RouteId, string? Note, string Status, DateTime CreatedAt, int? CarrierTrustScore)
{
    public BidView View() => new(Id, CargoOfferId, CarrierOrg, new Money(PriceAmount, PriceCurrency), TransitDays,
        ValidUntil, RouteId, Note, Status, CreatedAt, CarrierTrustScore ?? TrustScoreChanged.WithoutRecord);
}

public static class BidsApi
{
    private const string Columns = """
        id AS Id, cargo_offer_id AS CargoOfferId, carrier_org AS CarrierOrg, price_amount AS PriceAmount,
        price_currency AS PriceCurrency, transit_days AS TransitDays, valid_until AS ValidUntil, route_id AS RouteId,
        note AS Note, status AS Status, created_at AS CreatedAt,
        (SELECT t.score FROM trust_scores t WHERE t.org = bids.carrier_org) AS CarrierTrustScore
        """;

    private const string TrustScoreSql = "SELECT score FROM trust_scores WHERE org = @Org";

    private const string InsertSql = """
        INSERT INTO bids (id, cargo_offer_id, carrier_org, price_amount, price_currency, transit_days, valid_until, route_id, note, created_at)
        VALUES (@Id, @CargoOfferId, @CarrierOrg, @PriceAmount, @PriceCurrency, @TransitDays, @ValidUntil, @RouteId, @Note, @CreatedAt)
        """;

    // Sealed bids: the owner sees all, a carrier only its own (@Carrier set).
    private const string ListSql = $"""
        SELECT {Columns} FROM bids
        WHERE cargo_offer_id = @CargoOfferId AND (@Carrier::text IS NULL OR carrier_org = @Carrier)
          AND (@After::uuid IS NULL OR id < @After)
        ORDER BY id DESC LIMIT @Take
        """;

    private const string ByIdSql = $"SELECT {Columns} FROM bids WHERE id = @Id";

    private const string AwardSql = """
        UPDATE bids SET status = CASE WHEN id = @BidId THEN 'awarded' ELSE 'lost' END
        WHERE cargo_offer_id = @CargoOfferId AND (id = @BidId OR status = 'open')
        """;

    public static IEndpointRouteBuilder MapBidsApi(this IEndpointRouteBuilder app)
    {
        var bids = app.MapGroup("/api/cargo-offers/{cargoOfferId:guid}/bids").RequireAuthorization().WithTags("Bids");
        bids.MapPost("/", Place).Validate<PlaceBid>().WithName("placeBid")
            .WithSummary("Places a carrier's bid on an open cargo offer (role carrier).")
            .Produces<BidView>(StatusCodes.Status201Created);
        bids.MapGet("/", List).WithName("listBids")
            .WithSummary("The offer's bids: all of them for its owner, a carrier's own for a carrier.")
            .Produces<Page<BidView>>();
        bids.MapPost("/{bidId:guid}/award", Award).WithName("awardBid")
            .WithSummary("Awards an open bid (the offer's owner); the other bids are lost.")
            .Produces<BidView>();
        return app;
    }

    private static async Task<IResult> Place(Guid cargoOfferId, PlaceBid request, HttpContext http, Outbox outbox, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        if (!caller.Is(Roles.Carrier)) return Creation.Forbidden("Only a carrier (role carrier) bids on cargo offers.");

        return await Creation.Run(outbox, http, caller, (cargoOfferId, request), async work =>
        {
            var (connection, tx) = work;
            // FOR SHARE: an award or withdrawal in flight finishes first, so no bid lands on a closed offer.
            var offer = await connection.QuerySingleOrDefaultAsync<CargoOfferRow>(
                CargoOfferSql.ById + " FOR SHARE", new { Id = cargoOfferId }, tx);
            if (offer is null) return CreateOutcome.Refuse(Creation.NotFound("cargo offer"));
            if (OfferStatus.RefuseBid(offer.Status) is { } reason) return CreateOutcome.Refuse(Creation.Conflict(reason));
            if (request.ValidUntil > offer.DeliverBy)
                return CreateOutcome.Refuse(TypedResults.ValidationProblem(new Dictionary<string, string[]>
                    { ["validUntil"] = ["'validUntil' must not be after the cargo offer's deliverBy."] }));
            var trustScore = await connection.QuerySingleOrDefaultAsync<int?>(TrustScoreSql, new { caller.Org }, tx)
                ?? TrustScoreChanged.WithoutRecord;
            if (offer.MinTrustScore is { } minimum && trustScore < minimum)
                return CreateOutcome.Refuse(Creation.Forbidden(
                    $"This cargo offer takes bids only from carriers with a trust score of at least {minimum}; " +
                    $"{caller.Org} has {trustScore} (GET /api/organisations/{caller.Org}/trust explains it)."));

            var bid = new BidRow(Guid.CreateVersion7(), cargoOfferId, caller.Org, request.Price!.Amount!.Value,
                request.Price.Currency!, request.TransitDays!.Value, request.ValidUntil!.Value, request.RouteId, request.Note,
                BidStatus.Open, clock.GetUtcNow().UtcDateTime, trustScore);
            await connection.ExecuteAsync(InsertSql, bid, tx);
            await work.Enqueue(new BidPlaced
            {
                BidId = bid.Id, CargoOfferId = cargoOfferId, CarrierOrg = caller.Org, CargoOwnerOrg = offer.OwnerOrg,
                PriceAmount = bid.PriceAmount, PriceCurrency = bid.PriceCurrency, TransitDays = bid.TransitDays,
                ValidUntil = bid.ValidUntil, RouteId = bid.RouteId, PlacedAt = bid.CreatedAt,
            });
            return CreateOutcome.Created($"/api/cargo-offers/{cargoOfferId}/bids/{bid.Id}", bid.View());
        });
    }

    private static async Task<IResult> List(Guid cargoOfferId, HttpContext http, NpgsqlDataSource db, int? limit, string? cursor)
    {
        if (!Cursor.TryRead(limit, cursor, out var size, out var after, out var errors)) return TypedResults.ValidationProblem(errors);
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var offer = await connection.QuerySingleOrDefaultAsync<CargoOfferRow>(CargoOfferSql.ById, new { Id = cargoOfferId });
        if (offer is null) return Creation.NotFound("cargo offer");
        string? carrier = null;
        if (offer.OwnerOrg != caller.Org)
        {
            if (!caller.Is(Roles.Carrier)) return Creation.Forbidden("Bids are sealed: only the cargo owner and bidding carriers see them.");
            carrier = caller.Org;
        }
        var rows = (await connection.QueryAsync<BidRow>(ListSql,
            new { CargoOfferId = cargoOfferId, Carrier = carrier, After = after, Take = size + 1 })).AsList();
        var page = Cursor.Page(rows, size, r => r.Id);
        return TypedResults.Ok(new Page<BidView>(page.Items.Select(b => b.View()).ToList(), page.NextCursor));
    }

    private static async Task<IResult> Award(Guid cargoOfferId, Guid bidId, HttpContext http, Outbox outbox, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        await using var work = await outbox.Begin(http.RequestAborted);
        var (connection, tx) = work;
        var offer = await connection.QuerySingleOrDefaultAsync<CargoOfferRow>(CargoOfferSql.ByIdForUpdate, new { Id = cargoOfferId }, tx);
        if (offer is null) return Creation.NotFound("cargo offer");
        if (offer.OwnerOrg != caller.Org) return Creation.Forbidden("Only the cargo offer's owner awards a bid.");
        var bid = await connection.QuerySingleOrDefaultAsync<BidRow>(ByIdSql, new { Id = bidId }, tx);
        if (bid is null) return Creation.NotFound("bid");
        if (bid.CargoOfferId != cargoOfferId) return Creation.Conflict("The bid belongs to another cargo offer.");
        if (OfferStatus.RefuseMove(offer.Status, OfferStatus.Awarded) is { } reason) return Creation.Conflict(reason);
        if (bid.Status != BidStatus.Open) return Creation.Conflict($"The bid is {bid.Status}; only an open bid can be awarded.");

        await connection.ExecuteAsync(CargoOfferSql.SetStatus, new { Id = cargoOfferId, Status = OfferStatus.Awarded }, tx);
        await connection.ExecuteAsync(AwardSql, new { CargoOfferId = cargoOfferId, BidId = bidId }, tx);
        await work.Enqueue(new BidAwarded
        {
            BidId = bidId, CargoOfferId = cargoOfferId, CarrierOrg = bid.CarrierOrg, CargoOwnerOrg = offer.OwnerOrg,
            Origin = offer.Origin, Destination = offer.Destination, ContainerCount = offer.ContainerCount,
            ContainerType = offer.ContainerType, WeightKg = offer.WeightKg, HsCode = offer.HsCode, RouteId = bid.RouteId,
            PriceAmount = bid.PriceAmount, PriceCurrency = bid.PriceCurrency, AwardedAt = clock.GetUtcNow(),
        });
        await work.Commit(http.RequestAborted);
        return TypedResults.Ok((bid with { Status = BidStatus.Awarded }).View());
    }
}
