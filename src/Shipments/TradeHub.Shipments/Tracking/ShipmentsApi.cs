using Dapper;
using FluentValidation;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Http;
using TradeHub.Hosting.Messaging;
using TradeHub.Shipments.Common;
using TradeHub.Shipments.Contracts;
using TradeHub.Shipments.Trust;

namespace TradeHub.Shipments.Tracking;

/// <summary>The shipper confirms delivery.</summary>
public sealed record ConfirmDelivery(DateTimeOffset? DeliveredAt, string? Note);

public sealed class ConfirmDeliveryValidator : AbstractValidator<ConfirmDelivery>
{
    public ConfirmDeliveryValidator(TimeProvider clock)
    {
        RuleFor(r => r.DeliveredAt).NotNull()
            .Must(t => t is null || t <= clock.GetUtcNow().AddDays(1))
            .WithMessage("'deliveredAt' must not be more than a day ahead.");
        RuleFor(r => r.Note).MaximumLength(2000);
    }
}

public static class ShipmentsApi
{
    private const string ListSql = $"""
        SELECT {ShipmentRow.Columns} FROM shipments
        WHERE (shipper_org = @Org OR carrier_orgs @> ARRAY[@Org])
          AND (@Status::text IS NULL OR status = @Status) AND (@After::uuid IS NULL OR id < @After)
        ORDER BY id DESC LIMIT @Take
        """;

    internal const string ByIdSql = $"SELECT {ShipmentRow.Columns} FROM shipments WHERE id = @Id";

    private const string DeliverSql = """
        UPDATE shipments SET status = 'delivered', actual_arrival = @DeliveredAt, delivered_at = @DeliveredAt,
            delivery_note = @Note, legs = CAST(@Legs AS jsonb), position_location = destination, position_since = @DeliveredAt,
            delayed = @Late
        WHERE id = @Id
        """;

    public static IEndpointRouteBuilder MapShipmentsApi(this IEndpointRouteBuilder app)
    {
        var shipments = app.MapGroup("/api/shipments").RequireAuthorization().WithTags("Shipments");
        shipments.MapGet("/", List).WithName("listShipments")
            .WithSummary("The shipments the caller's organisation ships or carries, newest first, optionally by status.")
            .Produces<Page<ShipmentView>>();
        shipments.MapGet("/{id:guid}", Get).WithName("getShipment")
            .WithSummary("One shipment of the caller's organisation: legs with planned, estimated and actual times, position, delay.")
            .Produces<ShipmentView>();
        shipments.MapPost("/{id:guid}/delivery", Deliver).Validate<ConfirmDelivery>().WithName("confirmShipmentDelivery")
            .WithSummary("The shipper confirms delivery; the shipment is delivered, on time or late against deliver-by.")
            .Produces<ShipmentView>();
        return app;
    }

    private static async Task<IResult> List(HttpContext http, NpgsqlDataSource db, string? status, int? limit, string? cursor)
    {
        if (!Cursor.TryRead(limit, cursor, out var size, out var after, out var errors)) return TypedResults.ValidationProblem(errors);
        if (status is not null && !ShipmentStatus.All.Contains(status))
            return Answers.Invalid("status", $"'status' must be one of {string.Join(", ", ShipmentStatus.All)}.");
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var rows = (await connection.QueryAsync<ShipmentRow>(ListSql,
            new { caller.Org, Status = status, After = after, Take = size + 1 })).AsList();
        var page = Cursor.Page(rows, size, r => r.Id);
        return TypedResults.Ok(new Page<ShipmentView>(page.Items.Select(r => r.View()).ToList(), page.NextCursor));
    }

    private static async Task<IResult> Get(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var row = await connection.QuerySingleOrDefaultAsync<ShipmentRow>(ByIdSql, new { Id = id });
        return row is null || !row.IsParty(Caller.From(http.User)) ? Answers.NotFound() : TypedResults.Ok(row.View());
    }

    private static async Task<IResult> Deliver(Guid id, ConfirmDelivery request, HttpContext http, Outbox outbox,
        TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        await using var work = await outbox.Begin(http.RequestAborted);
        var (connection, tx) = work;
        var row = await connection.QuerySingleOrDefaultAsync<ShipmentRow>(ByIdSql + " FOR UPDATE", new { Id = id }, tx);
        if (row is null || !row.IsParty(caller)) return Answers.NotFound();
        if (caller.Org != row.ShipperOrg) return Answers.Forbidden("Only the shipper confirms delivery.");
        if (row.Status is ShipmentStatus.Delivered or ShipmentStatus.Cancelled)
            return Answers.Conflict($"The shipment is already {row.Status}.");
        var deliveredAt = request.DeliveredAt!.Value.ToUniversalTime();
        var legs = Legs.FromJson(row.LegsJson);
        var departed = legs.Select(l => l.ActualDeparture).FirstOrDefault(t => t is not null);
        if (departed is { } d && deliveredAt < d)
            return Answers.Invalid("deliveredAt", "'deliveredAt' is before the shipment departed.");
        if (legs.Count > 0 && legs[^1].ActualArrival is null)
            legs[^1] = legs[^1] with { ActualArrival = deliveredAt, EstimatedArrival = deliveredAt };
        var onTime = deliveredAt <= Estimation.Deadline(row.DeliverBy);
        await connection.ExecuteAsync(DeliverSql, new
        {
            Id = id, DeliveredAt = deliveredAt, request.Note, Legs = Legs.ToJson(legs), Late = !onTime,
        }, tx);
        await work.Enqueue(new ShipmentDelivered
        {
            ShipmentId = id, CargoOfferId = row.CargoOfferId, PartyOrgs = row.Parties, Origin = row.Origin,
            Destination = row.Destination, DeliverBy = row.DeliverBy, DeliveredAt = deliveredAt, OnTime = onTime,
        });
        await TrustRecord.Refresh(work, row.Parties, clock.GetUtcNow());
        await work.Commit(http.RequestAborted);
        var updated = await connection.QuerySingleAsync<ShipmentRow>(ByIdSql, new { Id = id });
        return TypedResults.Ok(updated.View());
    }
}
