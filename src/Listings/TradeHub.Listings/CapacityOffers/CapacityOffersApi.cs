using Dapper;
using FluentValidation;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Http;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Common;
using TradeHub.Listings.Contracts;

namespace TradeHub.Listings.CapacityOffers;

/// <summary>Space for containers on a lane (from -> to by one mode) departing within a window.</summary>
public sealed record PostCapacityOffer(
    string? From, string? To, string? Mode, DateOnly? DepartureFrom, DateOnly? DepartureTo, Containers? Containers,
    Money? PricePerContainer, int? TransitDays);

public sealed class PostCapacityOfferValidator : AbstractValidator<PostCapacityOffer>
{
    public PostCapacityOfferValidator(KnownNodes nodes, TimeProvider clock)
    {
        RuleFor(r => r.From).KnownNode(nodes);
        RuleFor(r => r.To).KnownNode(nodes).NotEqual(r => r.From).WithMessage("'to' must differ from 'from'.");
        RuleFor(r => r.Mode).NotEmpty().Must(m => m is null || Freight.Modes.Contains(m))
            .WithMessage("'mode' must be one of rail, road, sea, ferry.");
        RuleFor(r => r.DepartureFrom).NotInThePast(clock);
        RuleFor(r => r.DepartureTo).NotNull()
            .GreaterThanOrEqualTo(r => r.DepartureFrom).When(r => r.DepartureFrom is not null)
            .WithMessage("'departureTo' must not be before 'departureFrom'.");
        RuleFor(r => r.Containers).ValidContainers();
        RuleFor(r => r.PricePerContainer).ValidMoney();
        RuleFor(r => r.TransitDays).NotNull().InclusiveBetween(1, 120);
    }
}

public sealed record CapacityOfferView(
    Guid Id, string Carrier, string From, string To, string Mode, DateOnly DepartureFrom, DateOnly DepartureTo,
    Containers Containers, int ContainersLeft, Money PricePerContainer, int TransitDays, string Status, DateTime CreatedAt,
    string? ReservedFor = null);

internal sealed record CapacityOfferRow(
    Guid Id, string CarrierOrg, string FromNode, string ToNode, string Mode, DateOnly DepartureFrom, DateOnly DepartureTo,
    int ContainerCount, string ContainerType, int ContainersLeft, decimal PricePerContainerAmount, string PriceCurrency,
    int TransitDays, string Status, DateTime CreatedAt, string? ReservedFor = null)
{
    public CapacityOfferView View() => new(Id, CarrierOrg, FromNode, ToNode, Mode, DepartureFrom, DepartureTo,
        new Containers(ContainerCount, ContainerType), ContainersLeft, new Money(PricePerContainerAmount, PriceCurrency),
        TransitDays, Status, CreatedAt, ReservedFor);
}

public static class CapacityOffersApi
{
    private const string Columns = """
        id AS Id, carrier_org AS CarrierOrg, from_node AS FromNode, to_node AS ToNode, mode AS Mode,
        departure_from AS DepartureFrom, departure_to AS DepartureTo, container_count AS ContainerCount,
        container_type AS ContainerType, containers_left AS ContainersLeft,
        price_per_container_amount AS PricePerContainerAmount, price_currency AS PriceCurrency,
        transit_days AS TransitDays, status AS Status, created_at AS CreatedAt, reserved_for AS ReservedFor
        """;

    private const string InsertSql = """
        INSERT INTO capacity_offers (id, carrier_org, from_node, to_node, mode, departure_from, departure_to, container_count,
            container_type, containers_left, price_per_container_amount, price_currency, transit_days, created_at)
        VALUES (@Id, @CarrierOrg, @FromNode, @ToNode, @Mode, @DepartureFrom, @DepartureTo, @ContainerCount,
            @ContainerType, @ContainersLeft, @PricePerContainerAmount, @PriceCurrency, @TransitDays, @CreatedAt)
        """;

    // The offer and its posted event in one statement.
    private static readonly string InsertPostedSql = Outbox.WithEvent(InsertSql);

    private const string ListSql = $"""
        SELECT {Columns} FROM capacity_offers
        WHERE (@From::text IS NULL OR from_node = @From) AND (@To::text IS NULL OR to_node = @To)
          AND (@Mode::text IS NULL OR mode = @Mode) AND (@Status::text IS NULL OR status = @Status)
          AND (reserved_for IS NULL OR reserved_for = @Org OR carrier_org = @Org)
          AND (@After::uuid IS NULL OR id < @After)
        ORDER BY id DESC LIMIT @Take
        """;

    private const string ByIdSql = $"SELECT {Columns} FROM capacity_offers WHERE id = @Id";

    public static IEndpointRouteBuilder MapCapacityOffersApi(this IEndpointRouteBuilder app)
    {
        var offers = app.MapGroup("/api/capacity-offers").RequireAuthorization().WithTags("Capacity offers");
        offers.MapPost("/", Post).Validate<PostCapacityOffer>().WithName("postCapacityOffer")
            .WithSummary("Posts a capacity offer on a lane (role carrier).")
            .Produces<CapacityOfferView>(StatusCodes.Status201Created);
        offers.MapGet("/", List).WithName("listCapacityOffers")
            .WithSummary("Lists capacity offers, newest first, a page at a time.")
            .Produces<Page<CapacityOfferView>>();
        offers.MapGet("/{id:guid}", Get).WithName("getCapacityOffer")
            .WithSummary("One capacity offer.")
            .Produces<CapacityOfferView>();
        offers.MapDelete("/{id:guid}", Withdraw).WithName("withdrawCapacityOffer")
            .WithSummary("Withdraws the caller's capacity offer.")
            .Produces(StatusCodes.Status204NoContent);
        return app;
    }

    private static async Task<IResult> Post(PostCapacityOffer request, HttpContext http, Outbox outbox, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        if (!caller.Is(Roles.Carrier)) return Creation.Forbidden("Only a carrier (role carrier) posts capacity.");
        return await Creation.Run(outbox, http, caller, request, async tx =>
        {
            var row = new CapacityOfferRow(Guid.CreateVersion7(), caller.Org, request.From!, request.To!, request.Mode!,
                request.DepartureFrom!.Value, request.DepartureTo!.Value, request.Containers!.Count!.Value,
                request.Containers.Type!, request.Containers.Count!.Value, request.PricePerContainer!.Amount!.Value,
                request.PricePerContainer.Currency!, request.TransitDays!.Value, OfferStatus.Open, clock.GetUtcNow().UtcDateTime);
            await tx.Connection.ExecuteAsync(InsertPostedSql, tx.Event(new CapacityOfferPosted
            {
                CapacityOfferId = row.Id, CarrierOrg = row.CarrierOrg, From = row.FromNode, To = row.ToNode, Mode = row.Mode,
                DepartureFrom = row.DepartureFrom, DepartureTo = row.DepartureTo, ContainerCount = row.ContainerCount,
                ContainerType = row.ContainerType, PricePerContainerAmount = row.PricePerContainerAmount,
                PriceCurrency = row.PriceCurrency, TransitDays = row.TransitDays, PostedAt = row.CreatedAt,
            }, row), tx.Transaction);
            return CreateOutcome.Created($"/api/capacity-offers/{row.Id}", row.View());
        });
    }

    private static Task<IResult> List(
        HttpContext http, NpgsqlDataSource db, string? from, string? to, string? mode, string? status, int? limit, string? cursor) =>
        Listing.Page<CapacityOfferRow, CapacityOfferView>(db, http, limit, cursor, status, ListSql,
            (after, take) => new { From = from, To = to, Mode = mode, Status = status, After = after, Take = take, Caller.From(http.User).Org },
            r => r.Id, r => r.View());

    private static async Task<IResult> Get(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var row = await connection.QuerySingleOrDefaultAsync<CapacityOfferRow>(ByIdSql, new { Id = id });
        var caller = Caller.From(http.User);
        // Capacity a tender reserved for a shipper is that shipper's and the carrier's business only.
        if (row is null || (row.ReservedFor is { } shipper && shipper != caller.Org && row.CarrierOrg != caller.Org))
            return Creation.NotFound("capacity offer");
        return TypedResults.Ok(row.View());
    }

    private static Task<IResult> Withdraw(Guid id, HttpContext http, Outbox outbox, TimeProvider clock) =>
        Withdrawal.Run<CapacityOfferRow>(outbox, http, id, "capacity offer", ByIdSql + " FOR UPDATE",
            "UPDATE capacity_offers SET status = 'withdrawn' WHERE id = @Id",
            r => r.CarrierOrg, r => r.Status, (tx, row) =>
                tx.Enqueue(new CapacityOfferWithdrawn { CapacityOfferId = id, CarrierOrg = row.CarrierOrg, At = clock.GetUtcNow() }));
}
