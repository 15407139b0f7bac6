using Dapper;
using FluentValidation;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Http;
using TradeHub.Hosting.Messaging;
using TradeHub.Shipments.Common;
using TradeHub.Shipments.Contracts;
using TradeHub.Shipments.Tracking;

namespace TradeHub.Shipments.Trust;

/// <summary>
/// A party's rating of a delivered shipment. A carrier rates the shipper; the shipper rates a carrier, named in
/// <c>carrier</c> when the shipment has more than one.
/// </summary>
public sealed record RateShipment(int? Stars, string? Comment, string? Carrier);

public sealed class RateShipmentValidator : AbstractValidator<RateShipment>
{
    public RateShipmentValidator()
    {
        RuleFor(r => r.Stars).NotNull().InclusiveBetween(1, 5).WithMessage("'stars' must be a whole number from 1 to 5.");
        RuleFor(r => r.Comment).MaximumLength(2000);
        RuleFor(r => r.Carrier).MaximumLength(200);
    }
}

public sealed record RatingView(Guid ShipmentId, string Rater, string Ratee, int Stars, string? Comment, DateTimeOffset RatedAt);

public static class TrustApi
{
    private const string InsertSql = """
        INSERT INTO ratings (shipment_id, rater_org, ratee_org, stars, comment, rated_at)
        VALUES (@ShipmentId, @Rater, @Ratee, @Stars, @Comment, @RatedAt)
        ON CONFLICT DO NOTHING
        """;

    public static IEndpointRouteBuilder MapTrustApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/shipments/{id:guid}/rating", Rate).RequireAuthorization().WithTags("Trust")
            .Validate<RateShipment>().WithName("rateShipment")
            .WithSummary("A party of a delivered shipment rates the other side, once: the shipper each carrier, a carrier the shipper.")
            .Produces<RatingView>(StatusCodes.Status201Created);
        app.MapGet("/api/organisations/{org}/trust", Trust).RequireAuthorization().WithTags("Trust")
            .WithName("getTrustScore")
            .WithSummary("An organisation's trust score (0-100) from its delivered shipments and ratings, with components and an explanation.")
            .Produces<TrustReport>();
        return app;
    }

    private static async Task<IResult> Rate(Guid id, RateShipment request, HttpContext http, Outbox outbox,
        TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        if (!caller.Is(Roles.Sme) && !caller.Is(Roles.Carrier))
            return Answers.Forbidden("Only a shipper (sme) or a carrier rates a shipment it was party to.");
        await using var work = await outbox.Begin(http.RequestAborted);
        var (connection, tx) = work;
        var row = await connection.QuerySingleOrDefaultAsync<ShipmentRow>(ShipmentsApi.ByIdSql + " FOR SHARE", new { Id = id }, tx);
        if (row is null || !row.IsParty(caller)) return Answers.NotFound();
        if (row.CarrierOrgs.Contains(row.ShipperOrg))
            return Answers.Forbidden("The shipper is also a carrier of this shipment: nobody rates a shipment where an organisation is on both sides.");
        if (row.Status != ShipmentStatus.Delivered)
            return Answers.Conflict($"The shipment is {row.Status}; its parties rate it after delivery.");

        string ratee;
        if (caller.Org == row.ShipperOrg)
        {
            if (request.Carrier is { } named)
            {
                if (!row.CarrierOrgs.Contains(named))
                    return Answers.Invalid("carrier", $"'carrier' must be one of this shipment's carriers: {string.Join(", ", row.CarrierOrgs)}.");
                ratee = named;
            }
            else if (row.CarrierOrgs.Distinct().Count() == 1) ratee = row.CarrierOrgs[0];
            else return Answers.Invalid("carrier", $"'carrier' must name the carrier rated: one of {string.Join(", ", row.CarrierOrgs)}.");
        }
        else
        {
            if (request.Carrier is not null && request.Carrier != row.ShipperOrg)
                return Answers.Invalid("carrier", "'carrier' is for the shipper to name a carrier; a carrier rates the shipper.");
            ratee = row.ShipperOrg;
        }

        var ratedAt = clock.GetUtcNow();
        var rating = new RatingView(id, caller.Org, ratee, request.Stars!.Value, request.Comment, ratedAt);
        var inserted = await connection.ExecuteAsync(InsertSql, new
        {
            ShipmentId = id, rating.Rater, rating.Ratee, rating.Stars, rating.Comment, rating.RatedAt,
        }, tx);
        if (inserted == 0)
            return TypedResults.Problem(statusCode: 409, title: "Already rated.",
                detail: $"{caller.Org} has already rated {ratee} on this shipment.");
        await work.Enqueue(new RatingGiven
        {
            ShipmentId = id, RaterOrg = caller.Org, RateeOrg = ratee, Stars = rating.Stars, Comment = rating.Comment,
            RatedAt = ratedAt,
        });
        await TrustRecord.Refresh(work, [ratee], ratedAt);
        await work.Commit(http.RequestAborted);
        return TypedResults.Created($"/api/organisations/{Uri.EscapeDataString(ratee)}/trust", rating);
    }

    private static async Task<IResult> Trust(string org, HttpContext http, NpgsqlDataSource db)
    {
        if (org.Length is 0 or > 200) return Answers.Invalid("org", "'org' must be 1 to 200 characters.");
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        return TypedResults.Ok(await TrustRecord.Load(connection, null, org));
    }
}
