namespace TradeHub.Listings.Contracts;

/// <summary>An SME offers goods to sell or asks for goods to buy.</summary>
public sealed record TradeOfferPosted
{
    public required Guid TradeOfferId { get; init; }
    public required string OwnerOrg { get; init; }
    /// <summary>sell or buy.</summary>
    public required string Side { get; init; }
    /// <summary>Six-digit Harmonized System code.</summary>
    public required string HsCode { get; init; }
    public required string Product { get; init; }
    public required decimal Quantity { get; init; }
    public required string Unit { get; init; }
    public required decimal UnitPriceAmount { get; init; }
    public required string UnitPriceCurrency { get; init; }
    public required string Incoterm { get; init; }
    public required string City { get; init; }
    public required DateOnly ValidUntil { get; init; }
    public required DateTimeOffset PostedAt { get; init; }
}

/// <summary>
/// The owner withdrew a trade offer. (Listings once published this for an expired offer too; it now publishes
/// <see cref="TradeOfferExpired"/>, and consumers still close the offer on either.)
/// </summary>
public sealed record TradeOfferWithdrawn
{
    public required Guid TradeOfferId { get; init; }
    public required string OwnerOrg { get; init; }
    public required DateTimeOffset At { get; init; }
}

/// <summary>A trade offer passed its validUntil date while still open.</summary>
public sealed record TradeOfferExpired
{
    public required Guid TradeOfferId { get; init; }
    public required string OwnerOrg { get; init; }
    public required DateTimeOffset At { get; init; }
}
