namespace TradeHub.Listings.Contracts;

/// <summary>A carrier offers space for containers on a lane within a departure window.</summary>
public sealed record CapacityOfferPosted
{
    public required Guid CapacityOfferId { get; init; }
    public required string CarrierOrg { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    /// <summary>rail, road, sea or ferry.</summary>
    public required string Mode { get; init; }
    public required DateOnly DepartureFrom { get; init; }
    public required DateOnly DepartureTo { get; init; }
    public required int ContainerCount { get; init; }
    public required string ContainerType { get; init; }
    public required decimal PricePerContainerAmount { get; init; }
    public required string PriceCurrency { get; init; }
    public required int TransitDays { get; init; }
    public required DateTimeOffset PostedAt { get; init; }
    /// <summary>The shipper a tender awarded this capacity to: only that shipper's cargo may use it. Null for open capacity.</summary>
    public string? ReservedFor { get; init; }
    /// <summary>The tender whose award created this capacity.</summary>
    public Guid? TenderId { get; init; }
}

/// <summary>
/// The carrier withdrew a capacity offer. (Listings once published this for an expired offer too; it now publishes
/// <see cref="CapacityOfferExpired"/>, and consumers still close the offer on either.)
/// </summary>
public sealed record CapacityOfferWithdrawn
{
    public required Guid CapacityOfferId { get; init; }
    public required string CarrierOrg { get; init; }
    public required DateTimeOffset At { get; init; }
}

/// <summary>A capacity offer's departure window passed while it was still open.</summary>
public sealed record CapacityOfferExpired
{
    public required Guid CapacityOfferId { get; init; }
    public required string CarrierOrg { get; init; }
    public required DateTimeOffset At { get; init; }
}
