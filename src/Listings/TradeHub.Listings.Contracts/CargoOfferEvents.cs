namespace TradeHub.Listings.Contracts;

/// <summary>A shipper posted a shipment to move between two network nodes.</summary>
public sealed record CargoOfferPosted
{
    public required Guid CargoOfferId { get; init; }
    public required string OwnerOrg { get; init; }
    public required string Origin { get; init; }
    public required string Destination { get; init; }
    public required DateOnly ReadyDate { get; init; }
    public required DateOnly DeliverBy { get; init; }
    public required int ContainerCount { get; init; }
    public required string ContainerType { get; init; }
    public required decimal WeightKg { get; init; }
    public string? HsCode { get; init; }
    public bool Hazardous { get; init; }
    public decimal? TargetPriceAmount { get; init; }
    public string? TargetPriceCurrency { get; init; }
    public required DateTimeOffset PostedAt { get; init; }
}

/// <summary>The owner withdrew a cargo offer; its routes, bids and proposals no longer stand.</summary>
public sealed record CargoOfferWithdrawn
{
    public required Guid CargoOfferId { get; init; }
    public required string OwnerOrg { get; init; }
    public required DateTimeOffset At { get; init; }
}

/// <summary>A cargo offer passed its deliver-by date while still open.</summary>
public sealed record CargoOfferExpired
{
    public required Guid CargoOfferId { get; init; }
    public required string OwnerOrg { get; init; }
    public required DateTimeOffset At { get; init; }
}

/// <summary>A carrier placed a sealed bid on a cargo offer.</summary>
public sealed record BidPlaced
{
    public required Guid BidId { get; init; }
    public required Guid CargoOfferId { get; init; }
    public required string CarrierOrg { get; init; }
    public required string CargoOwnerOrg { get; init; }
    public required decimal PriceAmount { get; init; }
    public required string PriceCurrency { get; init; }
    public required int TransitDays { get; init; }
    public required DateOnly ValidUntil { get; init; }
    public string? RouteId { get; init; }
    public required DateTimeOffset PlacedAt { get; init; }

    /// <summary>The public data of bid.placed, one shape wherever an organisation is told (/api/events and webhooks).</summary>
    public object PublicData() => new
    {
        id = BidId, CargoOfferId, carrier = CarrierOrg, price = new { amount = PriceAmount, currency = PriceCurrency },
        TransitDays, ValidUntil, RouteId, PlacedAt,
    };
}

/// <summary>The cargo owner awarded a bid; the shipment counts as a matched flow.</summary>
public sealed record BidAwarded
{
    public required Guid BidId { get; init; }
    public required Guid CargoOfferId { get; init; }
    public required string CarrierOrg { get; init; }
    public required string CargoOwnerOrg { get; init; }
    public required string Origin { get; init; }
    public required string Destination { get; init; }
    public required int ContainerCount { get; init; }
    public required string ContainerType { get; init; }
    public required decimal WeightKg { get; init; }
    public string? HsCode { get; init; }
    public string? RouteId { get; init; }
    public required decimal PriceAmount { get; init; }
    public required string PriceCurrency { get; init; }
    public required DateTimeOffset AwardedAt { get; init; }

    /// <summary>The public data of bid.awarded, one shape wherever an organisation is told (/api/events and webhooks).</summary>
    public object PublicData() => new
    {
        id = BidId, CargoOfferId, carrier = CarrierOrg, price = new { amount = PriceAmount, currency = PriceCurrency },
        Origin, Destination, containers = new { count = ContainerCount, type = ContainerType }, WeightKg, HsCode, RouteId,
        AwardedAt,
    };
}
