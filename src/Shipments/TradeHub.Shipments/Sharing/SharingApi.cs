using System.Security.Cryptography;
using Dapper;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Shipments.Common;

namespace TradeHub.Shipments.Sharing;

public sealed record ShareLink(string Url, string Token);

/// <summary>A milestone of the public tracking page: places and times only.</summary>
public sealed record Milestone(string From, string To, string Mode, DateTimeOffset PlannedDeparture, DateTimeOffset PlannedArrival,
    DateTimeOffset EstimatedDeparture, DateTimeOffset EstimatedArrival, DateTimeOffset? ActualDeparture, DateTimeOffset? ActualArrival);

/// <summary>What anyone holding the link sees: no parties, prices or internal ids.</summary>
public sealed record PublicTracking(string Status, bool Delayed, string Origin, string Destination, DateOnly DeliverBy,
    DateTimeOffset PlannedArrival, DateTimeOffset EstimatedArrival, DateTimeOffset? ActualArrival, Position? Position,
    IReadOnlyList<Milestone> Milestones);

/// <summary>
/// Read-only tracking links. The token is 256 random bits from the operating system's generator, so it cannot be
/// guessed; the shipper can replace or revoke it.
/// </summary>
public static class SharingApi
{
    private const string SetTokenSql = "UPDATE shipments SET share_token = @Token WHERE id = @Id";
    private const string ByTokenSql = $"SELECT {ShipmentRow.Columns} FROM shipments WHERE share_token = @Token";

    public static IEndpointRouteBuilder MapSharingApi(this IEndpointRouteBuilder app)
    {
        var shipments = app.MapGroup("/api/shipments").RequireAuthorization().WithTags("Shipments");
        shipments.MapPost("/{id:guid}/share", Share).WithName("shareShipment")
            .WithSummary("The shipper makes a read-only tracking link (a fresh unguessable token; an earlier link stops working).")
            .Produces<ShareLink>(StatusCodes.Status201Created);
        shipments.MapDelete("/{id:guid}/share", Revoke).WithName("revokeShipmentShare")
            .WithSummary("The shipper revokes the shipment's tracking link.")
            .Produces(StatusCodes.Status204NoContent);
        app.MapGet("/api/track/{token}", Track).AllowAnonymous().WithTags("Tracking").WithName("trackSharedShipment")
            .WithSummary("A shared shipment's status, places and times by its link's token: no parties, prices or internal ids.")
            .Produces<PublicTracking>();
        return app;
    }

    private static async Task<ShipmentRow?> Own(NpgsqlConnection connection, Guid id, Caller caller) =>
        await connection.QuerySingleOrDefaultAsync<ShipmentRow>(Tracking.ShipmentsApi.ByIdSql, new { Id = id }) is { } row
        && row.IsParty(caller) ? row : null;

    private static async Task<IResult> Share(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var row = await Own(connection, id, caller);
        if (row is null) return Answers.NotFound();
        if (caller.Org != row.ShipperOrg) return Answers.Forbidden("Only the shipper shares a shipment.");
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        await connection.ExecuteAsync(SetTokenSql, new { Id = id, Token = token });
        var path = $"/api/track/{token}";
        return TypedResults.Created(path, new ShareLink(PublicUrl(http, path), token));
    }

    private static async Task<IResult> Revoke(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var row = await Own(connection, id, caller);
        if (row is null) return Answers.NotFound();
        if (caller.Org != row.ShipperOrg) return Answers.Forbidden("Only the shipper revokes a shipment's link.");
        await connection.ExecuteAsync(SetTokenSql, new { Id = id, Token = (string?)null });
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Track(string token, HttpContext http, NpgsqlDataSource db)
    {
        if (token.Length is < 40 or > 64) return NotShared();
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var row = await connection.QuerySingleOrDefaultAsync<ShipmentRow>(ByTokenSql, new { Token = token });
        if (row is null) return NotShared();
        var view = row.View();
        return TypedResults.Ok(new PublicTracking(view.Status, view.Delayed, view.Origin, view.Destination, view.DeliverBy,
            view.PlannedArrival, view.EstimatedArrival, view.ActualArrival, view.Position,
            view.Legs.Select(l => new Milestone(l.From, l.To, l.Mode, l.PlannedDeparture, l.PlannedArrival,
                l.EstimatedDeparture, l.EstimatedArrival, l.ActualDeparture, l.ActualArrival)).ToList()));
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotShared() =>
        TypedResults.Problem(statusCode: 404, title: "No shipment is shared under this link (it may have been revoked).");

    /// <summary>The link as the caller reached the platform: the gateway's forwarded host and scheme when there are any.</summary>
    private static string PublicUrl(HttpContext http, string path)
    {
        var host = http.Request.Headers["X-Forwarded-Host"].FirstOrDefault() ?? http.Request.Host.Value;
        var scheme = http.Request.Headers["X-Forwarded-Proto"].FirstOrDefault() ?? http.Request.Scheme;
        return $"{scheme}://{host}{path}";
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
