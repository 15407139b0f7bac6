using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Common;

namespace TradeHub.Listings.TradeOffers;

/// <summary>The SQL of the trade_offers table.</summary>
internal static class TradeOfferSql
{
    public const string Columns = """
        id AS Id, owner_org AS OwnerOrg, side AS Side, hs_code AS HsCode, product AS Product, quantity AS Quantity,
        unit AS Unit, unit_price_amount AS UnitPriceAmount, unit_price_currency AS UnitPriceCurrency,
        incoterm AS Incoterm, city AS City, valid_until AS ValidUntil, status AS Status, created_at AS CreatedAt
        """;

    public const string Insert = """
        INSERT INTO trade_offers (id, owner_org, side, hs_code, product, quantity, unit, unit_price_amount,
            unit_price_currency, incoterm, city, valid_until, created_at)
        VALUES (@Id, @OwnerOrg, @Side, @HsCode, @Product, @Quantity, @Unit, @UnitPriceAmount,
            @UnitPriceCurrency, @Incoterm, @City, @ValidUntil, @CreatedAt)
        """;

    /// <summary>The offer and its TradeOfferPosted in one round trip.</summary>
    public static readonly string InsertPosted = Outbox.WithEvent(Insert);

    public const string ById = $"SELECT {Columns} FROM trade_offers WHERE id = @Id";

    public const string List = $"""
        SELECT {Columns} FROM trade_offers
        WHERE (@Side::text IS NULL OR side = @Side) AND (@HsCode::text IS NULL OR hs_code LIKE @HsCode || '%')
          AND (@City::text IS NULL OR city = @City) AND (@Status::text IS NULL OR status = @Status)
          AND (@After::uuid IS NULL OR id < @After)
        ORDER BY id DESC LIMIT @Take
        """;

    public const string SetWithdrawn = $"UPDATE trade_offers SET status = '{OfferStatus.Withdrawn}' WHERE id = @Id";

    public static readonly OfferTable Table = new("trade offer", ById, SetWithdrawn);
}

/// <summary>A trade_offers row.</summary>
internal sealed record TradeOfferRow(
    Guid Id, string OwnerOrg, string Side, string HsCode, string Product, decimal Quantity, string Unit,
    decimal UnitPriceAmount, string UnitPriceCurrency, string Incoterm, string City, DateOnly ValidUntil, string Status,
    DateTime CreatedAt) : IOfferRow
{
    string IOfferRow.Owner => OwnerOrg;

    public TradeOfferView View() => new(Id, OwnerOrg, Side, HsCode, Product, Quantity, Unit,
        new Money(UnitPriceAmount, UnitPriceCurrency), Incoterm, City, ValidUntil, Status, CreatedAt);
}
