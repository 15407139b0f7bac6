using Dapper;
using FluentValidation;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Http;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Common;
using TradeHub.Listings.Contracts;

namespace TradeHub.Listings.TradeOffers;

/// <summary>Goods to sell or to buy, priced per unit under an Incoterm at a city of the network.</summary>
public sealed record PostTradeOffer(
    string? Side, string? HsCode, string? Product, decimal? Quantity, string? Unit, Money? UnitPrice, string? Incoterm,
    string? City, DateOnly? ValidUntil);

public sealed class PostTradeOfferValidator : AbstractValidator<PostTradeOffer>
{
    /// <summary>Incoterms 2020.</summary>
    public static readonly string[] Incoterms = ["EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF"];
    public static readonly string[] Units = ["kg", "t", "pcs", "m3", "l", "bales", "pallets", "containers"];

    public PostTradeOfferValidator(KnownNodes nodes, TimeProvider clock)
    {
        RuleFor(r => r.Side).NotEmpty().Must(s => s is null or "sell" or "buy").WithMessage("'side' must be sell or buy.");
        RuleFor(r => r.HsCode).NotEmpty().Matches("^[0-9]{6}$").WithMessage("'hsCode' must be a 6-digit HS code.");
        RuleFor(r => r.Product).NotEmpty().MaximumLength(200);
        RuleFor(r => r.Quantity).NotNull().GreaterThan(0).LessThanOrEqualTo(1_000_000_000m);
        RuleFor(r => r.Unit).NotEmpty().Must(u => u is null || Units.Contains(u))
            .WithMessage($"'unit' must be one of {string.Join(", ", Units)}.");
        RuleFor(r => r.UnitPrice).ValidMoney();
        RuleFor(r => r.Incoterm).NotEmpty().Must(i => i is null || Incoterms.Contains(i))
            .WithMessage("'incoterm' must be an Incoterms 2020 rule (EXW, FCA, CPT, CIP, DAP, DPU, DDP, FAS, FOB, CFR, CIF).");
        RuleFor(r => r.City).KnownNode(nodes);
        RuleFor(r => r.ValidUntil).NotInThePast(clock)
            .Must(d => d is null || d <= Freight.Today(clock).AddYears(1)).WithMessage("'validUntil' must be within a year.");
    }
}

public sealed record TradeOfferView(
    Guid Id, string Owner, string Side, string HsCode, string Product, decimal Quantity, string Unit, Money UnitPrice,
    string Incoterm, string City, DateOnly ValidUntil, string Status, DateTime CreatedAt);

internal sealed record TradeOfferRow(
    Guid Id, string OwnerOrg, string Side, string HsCode, string Product, decimal Quantity, string Unit,
    decimal UnitPriceAmount, string UnitPriceCurrency, string Incoterm, string City, DateOnly ValidUntil, string Status,
    DateTime CreatedAt)
{
    public TradeOfferView View() => new(Id, OwnerOrg, Side, HsCode, Product, Quantity, Unit,
        new Money(UnitPriceAmount, UnitPriceCurrency), Incoterm, City, ValidUntil, Status, CreatedAt);
}

public static class TradeOffersApi
{
    private const string Columns = """
        id AS Id, owner_org AS OwnerOrg, side AS Side, hs_code AS HsCode, product AS Product, quantity AS Quantity,
        unit AS Unit, unit_price_amount AS UnitPriceAmount, unit_price_currency AS UnitPriceCurrency,
        incoterm AS Incoterm, city AS City, valid_until AS ValidUntil, status AS Status, created_at AS CreatedAt
        """;

    private const string InsertSql = """
        INSERT INTO trade_offers (id, owner_org, side, hs_code, product, quantity, unit, unit_price_amount,
            unit_price_currency, incoterm, city, valid_until, created_at)
        VALUES (@Id, @OwnerOrg, @Side, @HsCode, @Product, @Quantity, @Unit, @UnitPriceAmount,
            @UnitPriceCurrency, @Incoterm, @City, @ValidUntil, @CreatedAt)
        """;

    // The offer and its posted event in one statement.
    private static readonly string InsertPostedSql = Outbox.WithEvent(InsertSql);

    private const string ListSql = $"""
        SELECT {Columns} FROM trade_offers
        WHERE (@Side::text IS NULL OR side = @Side) AND (@HsCode::text IS NULL OR hs_code LIKE @HsCode || '%')
          AND (@City::text IS NULL OR city = @City) AND (@Status::text IS NULL OR status = @Status)
          AND (@After::uuid IS NULL OR id < @After)
        ORDER BY id DESC LIMIT @Take
        """;

    private const string ByIdSql = $"SELECT {Columns} FROM trade_offers WHERE id = @Id";

    public static IEndpointRouteBuilder MapTradeOffersApi(this IEndpointRouteBuilder app)
    {
        var offers = app.MapGroup("/api/trade-offers").RequireAuthorization().WithTags("Trade offers");
        offers.MapPost("/", Post).Validate<PostTradeOffer>().WithName("postTradeOffer")
            .WithSummary("Posts an offer to sell or buy goods (role sme).")
            .Produces<TradeOfferView>(StatusCodes.Status201Created);
        offers.MapGet("/", List).WithName("listTradeOffers")
            .WithSummary("Lists trade offers, newest first, a page at a time.")
            .Produces<Page<TradeOfferView>>();
        offers.MapGet("/{id:guid}", Get).WithName("getTradeOffer")
            .WithSummary("One trade offer.")
            .Produces<TradeOfferView>();
        offers.MapDelete("/{id:guid}", Withdraw).WithName("withdrawTradeOffer")
            .WithSummary("Withdraws the caller's trade offer.")
            .Produces(StatusCodes.Status204NoContent);
        return app;
    }

    private static async Task<IResult> Post(PostTradeOffer request, HttpContext http, Outbox outbox, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        if (!caller.Is(Roles.Sme)) return Creation.Forbidden("Only an SME (role sme) posts trade offers.");
        return await Creation.Run(outbox, http, caller, request, async tx =>
        {
            var row = new TradeOfferRow(Guid.CreateVersion7(), caller.Org, request.Side!, request.HsCode!, request.Product!,
                request.Quantity!.Value, request.Unit!, request.UnitPrice!.Amount!.Value, request.UnitPrice.Currency!,
                request.Incoterm!, request.City!, request.ValidUntil!.Value, OfferStatus.Open, clock.GetUtcNow().UtcDateTime);
            await tx.Connection.ExecuteAsync(InsertPostedSql, tx.Event(new TradeOfferPosted
            {
                TradeOfferId = row.Id, OwnerOrg = row.OwnerOrg, Side = row.Side, HsCode = row.HsCode, Product = row.Product,
                Quantity = row.Quantity, Unit = row.Unit, UnitPriceAmount = row.UnitPriceAmount,
                UnitPriceCurrency = row.UnitPriceCurrency, Incoterm = row.Incoterm, City = row.City,
                ValidUntil = row.ValidUntil, PostedAt = row.CreatedAt,
            }, row), tx.Transaction);
            return CreateOutcome.Created($"/api/trade-offers/{row.Id}", row.View());
        });
    }

    private static Task<IResult> List(
        HttpContext http, NpgsqlDataSource db, string? side, string? hsCode, string? city, string? status, int? limit, string? cursor)
    {
        if (hsCode is not null && !System.Text.RegularExpressions.Regex.IsMatch(hsCode, "^[0-9]{2,6}$"))
            return Task.FromResult<IResult>(TypedResults.ValidationProblem(new Dictionary<string, string[]>
                { ["hsCode"] = ["'hsCode' filters by 2 to 6 leading digits."] }));
        return Listing.Page<TradeOfferRow, TradeOfferView>(db, http, limit, cursor, status, ListSql,
            (after, take) => new { Side = side, HsCode = hsCode, City = city, Status = status, After = after, Take = take },
            r => r.Id, r => r.View());
    }

    private static async Task<IResult> Get(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var row = await connection.QuerySingleOrDefaultAsync<TradeOfferRow>(ByIdSql, new { Id = id });
        return row is null ? Creation.NotFound("trade offer") : TypedResults.Ok(row.View());
    }

    private static Task<IResult> Withdraw(Guid id, HttpContext http, Outbox outbox, TimeProvider clock) =>
        Withdrawal.Run<TradeOfferRow>(outbox, http, id, "trade offer", ByIdSql + " FOR UPDATE",
            "UPDATE trade_offers SET status = 'withdrawn' WHERE id = @Id",
            r => r.OwnerOrg, r => r.Status, (tx, row) =>
                tx.Enqueue(new TradeOfferWithdrawn { TradeOfferId = id, OwnerOrg = row.OwnerOrg, At = clock.GetUtcNow() }));
}
