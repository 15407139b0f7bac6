using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Http;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Common;
using TradeHub.Listings.Contracts;

namespace TradeHub.Listings.CapacityOffers;

/// <summary>A capacity offer as callers see it.</summary>
public sealed record CapacityOfferView(
    Guid Id, string Carrier, string From, string To, string Mode, DateOnly DepartureFrom, DateOnly DepartureTo,
    Containers Containers, int ContainersLeft, Money PricePerContainer, int TransitDays, string Status, DateTime CreatedAt,
    string? ReservedFor = null);

public static class CapacityOffersApi
{
    public static IEndpointRouteBuilder MapCapacityOffersApi(this IEndpointRouteBuilder app)
    {
        var offers = app.MapGroup("/api/capacity-offers").RequireAuthorization().WithTags("Capacity offers");
        offers.MapPost("/", Post).RequireAuthorization(Roles.Carrier).Validate<PostCapacityOffer>().WithName("postCapacityOffer")
            .WithSummary("Posts a capacity offer on a lane (role carrier).");
        offers.MapGet("/", List).WithName("listCapacityOffers")
            .WithSummary("Lists capacity offers, newest first, a page at a time.");
        offers.MapGet("/{id:guid}", Get).WithName("getCapacityOffer")
            .WithSummary("One capacity offer.");
        offers.MapDelete("/{id:guid}", Withdraw).WithName("withdrawCapacityOffer")
            .WithSummary("Withdraws the caller's capacity offer.");
        return app;
    }

    private static Task<Results<Created<CapacityOfferView>, ContentHttpResult, ProblemHttpResult, ValidationProblem>> Post(
        PostCapacityOffer request, HttpContext http, Outbox outbox, TimeProvider clock) =>
        IdempotentCreate.Run(outbox, http, request, async (tx, caller) =>
        {
            var row = new CapacityOfferRow(Guid.CreateVersion7(), caller.Org, request.From!, request.To!, request.Mode!,
                request.DepartureFrom!.Value, request.DepartureTo!.Value, request.Containers!.Count!.Value,
                request.Containers.Type!, request.Containers.Count!.Value, request.PricePerContainer!.Amount!.Value,
                request.PricePerContainer.Currency!, request.TransitDays!.Value, OfferStatus.Open, clock.GetUtcNow().UtcDateTime);
            await tx.Connection.ExecuteAsync(CapacityOfferSql.InsertPosted, tx.Event(new CapacityOfferPosted
            {
                CapacityOfferId = row.Id, CarrierOrg = row.CarrierOrg, From = row.FromNode, To = row.ToNode, Mode = row.Mode,
                DepartureFrom = row.DepartureFrom, DepartureTo = row.DepartureTo, ContainerCount = row.ContainerCount,
                ContainerType = row.ContainerType, PricePerContainerAmount = row.PricePerContainerAmount,
                PriceCurrency = row.PriceCurrency, TransitDays = row.TransitDays, PostedAt = row.CreatedAt,
            }, row), tx.Transaction);
            return CreateOutcome<CapacityOfferView>.Created($"/api/capacity-offers/{row.Id}", row.View());
        });

    private static Task<Results<Ok<Page<CapacityOfferView>>, ValidationProblem>> List(
        HttpContext http, NpgsqlDataSource db, string? from, string? to, string? mode, string? status, int? limit, string? cursor)
    {
        var query = new CapacityOfferQuery(from, to, mode, status, limit, cursor);
        return Listing.Page<CapacityOfferQuery, CapacityOfferRow, CapacityOfferView>(db, http, query, CapacityOfferSql.List,
            new { query.From, query.To, query.Mode, query.Status, Caller.From(http.User).Org }, r => r.View());
    }

    private static Task<Results<Ok<CapacityOfferView>, ProblemHttpResult>> Get(Guid id, HttpContext http, NpgsqlDataSource db) =>
        Listing.One<CapacityOfferRow, CapacityOfferView>(db, http, id, CapacityOfferSql.Table, r => r.View(),
            r => r.VisibleTo(Caller.From(http.User).Org));

    private static Task<Results<NoContent, ProblemHttpResult>> Withdraw(Guid id, HttpContext http, Outbox outbox, TimeProvider clock) =>
        Withdrawal.Run<CapacityOfferRow>(outbox, http, id, CapacityOfferSql.Table, (tx, row) =>
            tx.Enqueue(new CapacityOfferWithdrawn { CapacityOfferId = id, CarrierOrg = row.CarrierOrg, At = clock.GetUtcNow() }));
}
