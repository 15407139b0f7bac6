using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Http;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.CargoOffers;
using TradeHub.Listings.Common;
using TradeHub.Listings.Contracts;
using TradeHub.Shipments.Contracts;

namespace TradeHub.Listings.Bids;

/// <summary>A bid as its carrier and the cargo owner see it, with the carrier's trust score (docs/trust.md).</summary>
public sealed record BidView(
    Guid Id, Guid CargoOfferId, string Carrier, Money Price, int TransitDays, DateOnly ValidUntil,
    string? RouteId, string? Note, string Status, DateTime CreatedAt, int CarrierTrustScore);

public static class BidsApi
{
    public static IEndpointRouteBuilder MapBidsApi(this IEndpointRouteBuilder app)
    {
        var bids = app.MapGroup("/api/cargo-offers/{cargoOfferId:guid}/bids").RequireAuthorization().WithTags("Bids");
        bids.MapPost("/", Place).RequireAuthorization(Roles.Carrier).Validate<PlaceBid>().WithName("placeBid")
            .WithSummary("Places a carrier's bid on an open cargo offer (role carrier).");
        bids.MapGet("/", List).WithName("listBids")
            .WithSummary("The offer's bids: all of them for its owner, a carrier's own for a carrier.");
        bids.MapPost("/{bidId:guid}/award", Award).WithName("awardBid")
            .WithSummary("Awards an open bid (the offer's owner); the other bids are lost.");
        return app;
    }

    private static Task<Results<Created<BidView>, ContentHttpResult, ProblemHttpResult, ValidationProblem>> Place(
        Guid cargoOfferId, PlaceBid request, HttpContext http, Outbox outbox, TimeProvider clock) =>
        IdempotentCreate.Run(outbox, http, (cargoOfferId, request), async (work, caller) =>
        {
            var (connection, tx) = work;
            // FOR SHARE: an award or withdrawal in flight finishes first, so no bid lands on a closed offer.
            var offer = await connection.QuerySingleOrDefaultAsync<CargoOfferRow>(
                CargoOfferSql.ById + " FOR SHARE", new { Id = cargoOfferId }, tx);
            if (offer is null) return CreateOutcome<BidView>.Refuse(Refusal.NotFound("cargo offer"));
            if (OfferStatus.RefuseBid(offer.Status) is { } reason) return CreateOutcome<BidView>.Refuse(Refusal.Conflict(reason));
            if (request.ValidUntil > offer.DeliverBy)
                return CreateOutcome<BidView>.Refuse(TypedResults.ValidationProblem(new Dictionary<string, string[]>
                    { ["validUntil"] = ["'validUntil' must not be after the cargo offer's deliverBy."] }));
            var trustScore = await connection.QuerySingleOrDefaultAsync<int?>(BidSql.TrustScore, new { caller.Org }, tx)
                ?? TrustScoreChanged.WithoutRecord;
            if (offer.MinTrustScore is { } minimum && trustScore < minimum)
                return CreateOutcome<BidView>.Refuse(Refusal.Forbidden(
                    $"This cargo offer takes bids only from carriers with a trust score of at least {minimum}; " +
                    $"{caller.Org} has {trustScore} (GET /api/organisations/{caller.Org}/trust explains it)."));

            var bid = new BidRow(Guid.CreateVersion7(), cargoOfferId, caller.Org, request.Price!.Amount!.Value,
                request.Price.Currency!, request.TransitDays!.Value, request.ValidUntil!.Value, request.RouteId, request.Note,
                BidStatus.Open, clock.GetUtcNow().UtcDateTime, trustScore);
            await connection.ExecuteAsync(BidSql.Insert, bid, tx);
            await work.Enqueue(new BidPlaced
            {
                BidId = bid.Id, CargoOfferId = cargoOfferId, CarrierOrg = caller.Org, CargoOwnerOrg = offer.OwnerOrg,
                PriceAmount = bid.PriceAmount, PriceCurrency = bid.PriceCurrency, TransitDays = bid.TransitDays,
                ValidUntil = bid.ValidUntil, RouteId = bid.RouteId, PlacedAt = bid.CreatedAt,
            });
            return CreateOutcome<BidView>.Created($"/api/cargo-offers/{cargoOfferId}/bids/{bid.Id}", bid.View());
        });

    private static async Task<Results<Ok<Page<BidView>>, ValidationProblem, ProblemHttpResult>> List(
        Guid cargoOfferId, HttpContext http, NpgsqlDataSource db, int? limit, string? cursor)
    {
        var caller = Caller.From(http.User);
        CargoOfferRow? offer;
        await using (var connection = await db.OpenConnectionAsync(http.RequestAborted))
            offer = await connection.QuerySingleOrDefaultAsync<CargoOfferRow>(CargoOfferSql.ById, new { Id = cargoOfferId });
        if (offer is null) return Refusal.NotFound("cargo offer");
        string? carrier = null;
        if (offer.OwnerOrg != caller.Org)
        {
            if (!caller.Is(Roles.Carrier)) return Refusal.Forbidden("Bids are sealed: only the cargo owner and bidding carriers see them.");
            carrier = caller.Org;
        }
        var page = await Listing.Page<BidQuery, BidRow, BidView>(db, http, new BidQuery(limit, cursor), BidSql.List,
            new { CargoOfferId = cargoOfferId, Carrier = carrier }, b => b.View());
        return page.Result switch
        {
            Ok<Page<BidView>> ok => ok,
            ValidationProblem invalid => invalid,
            _ => throw new InvalidOperationException("A page is a list or a validation problem."),
        };
    }

    private static async Task<Results<Ok<BidView>, ProblemHttpResult>> Award(
        Guid cargoOfferId, Guid bidId, HttpContext http, Outbox outbox, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        await using var work = await outbox.Begin(http.RequestAborted);
        var (connection, tx) = work;
        var offer = await connection.QuerySingleOrDefaultAsync<CargoOfferRow>(CargoOfferSql.ByIdForUpdate, new { Id = cargoOfferId }, tx);
        if (offer is null) return Refusal.NotFound("cargo offer");
        if (offer.OwnerOrg != caller.Org) return Refusal.Forbidden("Only the cargo offer's owner awards a bid.");
        var bid = await connection.QuerySingleOrDefaultAsync<BidRow>(BidSql.ById, new { Id = bidId }, tx);
        if (bid is null) return Refusal.NotFound("bid");
        if (bid.CargoOfferId != cargoOfferId) return Refusal.Conflict("The bid belongs to another cargo offer.");
        if (OfferStatus.RefuseMove(offer.Status, OfferStatus.Awarded) is { } reason) return Refusal.Conflict(reason);
        if (bid.Status != BidStatus.Open) return Refusal.Conflict($"The bid is {bid.Status}; only an open bid can be awarded.");

        await connection.ExecuteAsync(CargoOfferSql.SetStatus, new { Id = cargoOfferId, Status = OfferStatus.Awarded }, tx);
        await connection.ExecuteAsync(BidSql.Award, new { CargoOfferId = cargoOfferId, BidId = bidId }, tx);
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
