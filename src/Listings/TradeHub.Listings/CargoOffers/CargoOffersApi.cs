using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Http;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Bids;
using TradeHub.Listings.Common;
using TradeHub.Listings.Contracts;

namespace TradeHub.Listings.CargoOffers;

/// <summary>A cargo offer as callers see it; the target price only for its owner.</summary>
public sealed record CargoOfferView(
    Guid Id, string Owner, string Origin, string Destination, DateOnly ReadyDate, DateOnly DeliverBy,
    Containers Containers, decimal WeightKg, string? HsCode, string? Description, bool Hazardous,
    Money? TargetPrice, string Status, DateTime CreatedAt, int? MinTrustScore)
{
    internal static CargoOfferView From(CargoOfferRow r, Caller caller) => new(
        r.Id, r.OwnerOrg, r.Origin, r.Destination, r.ReadyDate, r.DeliverBy,
        new Containers(r.ContainerCount, r.ContainerType), r.WeightKg, r.HsCode, r.Description, r.Hazardous,
        r.OwnerOrg == caller.Org && r.TargetPriceAmount is not null ? new Money(r.TargetPriceAmount, r.TargetPriceCurrency) : null,
        r.Status, r.CreatedAt, r.MinTrustScore);
}

public static class CargoOffersApi
{
    public static IEndpointRouteBuilder MapCargoOffersApi(this IEndpointRouteBuilder app)
    {
        var offers = app.MapGroup("/api/cargo-offers").RequireAuthorization().WithTags("Cargo offers");
        offers.MapPost("/", Post).RequireAuthorization(Roles.Sme).Validate<PostCargoOffer>().WithName("postCargoOffer")
            .WithSummary("Posts a cargo offer (role sme); its routes are computed in the background.");
        offers.MapGet("/", List).WithName("listCargoOffers")
            .WithSummary("Lists cargo offers, newest first, a page at a time; mine=true for the caller's own.");
        offers.MapGet("/{id:guid}", Get).WithName("getCargoOffer")
            .WithSummary("One cargo offer; the target price only for its owner.");
        offers.MapDelete("/{id:guid}", Withdraw).WithName("withdrawCargoOffer")
            .WithSummary("Withdraws the caller's cargo offer; its open bids are lost.");
        return app;
    }

    private static Task<Results<Created<CargoOfferView>, ContentHttpResult, ProblemHttpResult, ValidationProblem>> Post(
        PostCargoOffer request, HttpContext http, Outbox outbox, TimeProvider clock) =>
        IdempotentCreate.Run(outbox, http, request, async (tx, caller) =>
        {
            var row = new CargoOfferRow(
                Guid.CreateVersion7(), caller.Org, request.Origin!, request.Destination!, request.ReadyDate!.Value,
                request.DeliverBy!.Value, request.Containers!.Count!.Value, request.Containers.Type!, request.WeightKg!.Value,
                request.HsCode, request.Description, request.Hazardous ?? false,
                request.TargetPrice?.Amount, request.TargetPrice?.Currency, OfferStatus.Open, clock.GetUtcNow().UtcDateTime,
                request.MinTrustScore);
            await tx.Connection.ExecuteAsync(CargoOfferSql.InsertPosted, tx.Event(new CargoOfferPosted
            {
                CargoOfferId = row.Id, OwnerOrg = row.OwnerOrg, Origin = row.Origin, Destination = row.Destination,
                ReadyDate = row.ReadyDate, DeliverBy = row.DeliverBy, ContainerCount = row.ContainerCount,
                ContainerType = row.ContainerType, WeightKg = row.WeightKg, HsCode = row.HsCode, Hazardous = row.Hazardous,
                TargetPriceAmount = row.TargetPriceAmount, TargetPriceCurrency = row.TargetPriceCurrency, PostedAt = row.CreatedAt,
            }, row), tx.Transaction);
            return CreateOutcome<CargoOfferView>.Created($"/api/cargo-offers/{row.Id}", CargoOfferView.From(row, caller));
        });

    private static Task<Results<Ok<Page<CargoOfferView>>, ValidationProblem>> List(
        HttpContext http, NpgsqlDataSource db, string? origin, string? destination, string? status, bool? mine, int? limit,
        string? cursor)
    {
        var query = new CargoOfferQuery(origin, destination, status, mine, limit, cursor);
        // mine=true narrows the list to the caller's own organisation, taken from the token, never from the query.
        var caller = Caller.From(http.User);
        var owner = mine == true ? caller.Org : null;
        return Listing.Page<CargoOfferQuery, CargoOfferRow, CargoOfferView>(db, http, query, CargoOfferSql.List,
            new { query.Origin, query.Destination, query.Status, Owner = owner }, r => CargoOfferView.From(r, caller));
    }

    private static Task<Results<Ok<CargoOfferView>, ProblemHttpResult>> Get(Guid id, HttpContext http, NpgsqlDataSource db) =>
        Listing.One<CargoOfferRow, CargoOfferView>(db, http, id, CargoOfferSql.Table, r => CargoOfferView.From(r, Caller.From(http.User)));

    private static Task<Results<NoContent, ProblemHttpResult>> Withdraw(Guid id, HttpContext http, Outbox outbox, TimeProvider clock) =>
        Withdrawal.Run<CargoOfferRow>(outbox, http, id, CargoOfferSql.Table, async (tx, row) =>
        {
            await tx.Connection.ExecuteAsync(BidSql.LoseOpenBids, new { CargoOfferId = id }, tx.Transaction);
            await tx.Enqueue(new CargoOfferWithdrawn { CargoOfferId = id, OwnerOrg = row.OwnerOrg, At = clock.GetUtcNow() });
        });
}
