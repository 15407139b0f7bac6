using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Http;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Common;
using TradeHub.Listings.Contracts;

namespace TradeHub.Listings.TradeOffers;

/// <summary>A trade offer as callers see it.</summary>
public sealed record TradeOfferView(
    Guid Id, string Owner, string Side, string HsCode, string Product, decimal Quantity, string Unit, Money UnitPrice,
    string Incoterm, string City, DateOnly ValidUntil, string Status, DateTime CreatedAt);

public static class TradeOffersApi
{
    public static IEndpointRouteBuilder MapTradeOffersApi(this IEndpointRouteBuilder app)
    {
        var offers = app.MapGroup("/api/trade-offers").RequireAuthorization().WithTags("Trade offers");
        offers.MapPost("/", Post).RequireAuthorization(Roles.Sme).Validate<PostTradeOffer>().WithName("postTradeOffer")
            .WithSummary("Posts an offer to sell or buy goods (role sme).");
        offers.MapGet("/", List).WithName("listTradeOffers")
            .WithSummary("Lists trade offers, newest first, a page at a time.");
        offers.MapGet("/{id:guid}", Get).WithName("getTradeOffer")
            .WithSummary("One trade offer.");
        offers.MapDelete("/{id:guid}", Withdraw).WithName("withdrawTradeOffer")
            .WithSummary("Withdraws the caller's trade offer.");
        return app;
    }

    private static Task<Results<Created<TradeOfferView>, ContentHttpResult, ProblemHttpResult, ValidationProblem>> Post(
        PostTradeOffer request, HttpContext http, Outbox outbox, TimeProvider clock) =>
        IdempotentCreate.Run(outbox, http, request, async (tx, caller) =>
        {
            var row = new TradeOfferRow(Guid.CreateVersion7(), caller.Org, request.Side!, request.HsCode!, request.Product!,
                request.Quantity!.Value, request.Unit!, request.UnitPrice!.Amount!.Value, request.UnitPrice.Currency!,
                request.Incoterm!, request.City!, request.ValidUntil!.Value, OfferStatus.Open, clock.GetUtcNow().UtcDateTime);
            await tx.Connection.ExecuteAsync(TradeOfferSql.InsertPosted, tx.Event(new TradeOfferPosted
            {
                TradeOfferId = row.Id, OwnerOrg = row.OwnerOrg, Side = row.Side, HsCode = row.HsCode, Product = row.Product,
                Quantity = row.Quantity, Unit = row.Unit, UnitPriceAmount = row.UnitPriceAmount,
                UnitPriceCurrency = row.UnitPriceCurrency, Incoterm = row.Incoterm, City = row.City,
                ValidUntil = row.ValidUntil, PostedAt = row.CreatedAt,
            }, row), tx.Transaction);
            return CreateOutcome<TradeOfferView>.Created($"/api/trade-offers/{row.Id}", row.View());
        });

    private static Task<Results<Ok<Page<TradeOfferView>>, ValidationProblem>> List(
        HttpContext http, NpgsqlDataSource db, string? side, string? hsCode, string? city, string? status, int? limit, string? cursor)
    {
        var query = new TradeOfferQuery(side, hsCode, city, status, limit, cursor);
        return Listing.Page<TradeOfferQuery, TradeOfferRow, TradeOfferView>(db, http, query, TradeOfferSql.List,
            new { query.Side, query.HsCode, query.City, query.Status }, r => r.View());
    }

    private static Task<Results<Ok<TradeOfferView>, ProblemHttpResult>> Get(Guid id, HttpContext http, NpgsqlDataSource db) =>
        Listing.One<TradeOfferRow, TradeOfferView>(db, http, id, TradeOfferSql.Table, r => r.View());

    private static Task<Results<NoContent, ProblemHttpResult>> Withdraw(Guid id, HttpContext http, Outbox outbox, TimeProvider clock) =>
        Withdrawal.Run<TradeOfferRow>(outbox, http, id, TradeOfferSql.Table, (tx, row) =>
            tx.Enqueue(new TradeOfferWithdrawn { TradeOfferId = id, OwnerOrg = row.OwnerOrg, At = clock.GetUtcNow() }));
}
