using TradeHub.Shipments.Contracts;
using TradeHub.Listings.Common;

namespace TradeHub.Listings.Bids;

/// <summary>The SQL of the bids table.</summary>
internal static class BidSql
{
    private const string Columns = """
        id AS Id, cargo_offer_id AS CargoOfferId, carrier_org AS CarrierOrg, price_amount AS PriceAmount,
        price_currency AS PriceCurrency, transit_days AS TransitDays, valid_until AS ValidUntil, route_id AS RouteId,
        note AS Note, status AS Status, created_at AS CreatedAt,
        (SELECT t.score FROM trust_scores t WHERE t.org = bids.carrier_org) AS CarrierTrustScore
        """;

    /// <summary>The latest trust score Listings holds of an organisation (TrustScoreChanged).</summary>
    public const string TrustScore = "SELECT score FROM trust_scores WHERE org = @Org";

    public const string Insert = """
        INSERT INTO bids (id, cargo_offer_id, carrier_org, price_amount, price_currency, transit_days, valid_until, route_id, note, created_at)
        VALUES (@Id, @CargoOfferId, @CarrierOrg, @PriceAmount, @PriceCurrency, @TransitDays, @ValidUntil, @RouteId, @Note, @CreatedAt)
        """;

    /// <summary>Sealed bids: the owner sees all, a carrier only its own (@Carrier set).</summary>
    public const string List = $"""
        SELECT {Columns} FROM bids
        WHERE cargo_offer_id = @CargoOfferId AND (@Carrier::text IS NULL OR carrier_org = @Carrier)
          AND (@After::uuid IS NULL OR id < @After)
        ORDER BY id DESC LIMIT @Take
        """;

    public const string ById = $"SELECT {Columns} FROM bids WHERE id = @Id";

    /// <summary>The awarded bid wins, the offer's other open bids are lost.</summary>
    public const string Award = $"""
        UPDATE bids SET status = CASE WHEN id = @BidId THEN '{BidStatus.Awarded}' ELSE '{BidStatus.Lost}' END
        WHERE cargo_offer_id = @CargoOfferId AND (id = @BidId OR status = '{BidStatus.Open}')
        """;

    /// <summary>A withdrawn cargo offer's open bids are lost.</summary>
    public const string LoseOpenBids =
        $"UPDATE bids SET status = '{BidStatus.Lost}' WHERE cargo_offer_id = @CargoOfferId AND status = '{BidStatus.Open}'";
}

/// <summary>A bids row with the carrier's latest trust score (none received yet: null).</summary>
internal sealed record BidRow(
    Guid Id, Guid CargoOfferId, string CarrierOrg, decimal PriceAmount, string PriceCurrency, int TransitDays,
    DateOnly ValidUntil, string? RouteId, string? Note, string Status, DateTime CreatedAt, int? CarrierTrustScore)
    : IListedRow
{
    public BidView View() => new(Id, CargoOfferId, CarrierOrg, new Money(PriceAmount, PriceCurrency), TransitDays,
        ValidUntil, RouteId, Note, Status, CreatedAt, CarrierTrustScore ?? TrustScoreChanged.WithoutRecord);
}
