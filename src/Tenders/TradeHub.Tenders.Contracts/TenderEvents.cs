namespace TradeHub.Tenders.Contracts;

/// <summary>A shipper opened a tender: carriers may bid on packages of its lanes until it closes.</summary>
public sealed record TenderOpened
{
    public required Guid TenderId { get; init; }
    public required string OwnerOrg { get; init; }
    public required string Title { get; init; }
    public required int LaneCount { get; init; }
    public required DateTimeOffset ClosesAt { get; init; }
}

/// <summary>A tender stopped taking bids (its owner closed it, or closesAt passed); its award is being solved.</summary>
public sealed record TenderClosed
{
    public required Guid TenderId { get; init; }
    public required string OwnerOrg { get; init; }
    /// <summary>The organisations that bid, each told that the tender closed.</summary>
    public required IReadOnlyList<string> Bidders { get; init; }
    public required DateTimeOffset ClosedAt { get; init; }
}

/// <summary>
/// A tender's award: the winning carriers' lanes, which become capacity reserved for the owner's cargo on them.
/// Status unawarded when no lane could be covered.
/// </summary>
public sealed record TenderAwarded
{
    public required Guid TenderId { get; init; }
    public required string OwnerOrg { get; init; }
    /// <summary>awarded or unawarded.</summary>
    public required string Status { get; init; }
    public required bool Optimal { get; init; }
    public required decimal TotalCost { get; init; }
    public required string Currency { get; init; }
    public required IReadOnlyList<AwardedLane> Lanes { get; init; }
    public required IReadOnlyList<string> Uncovered { get; init; }
    /// <summary>Every organisation that bid, winners and losers.</summary>
    public required IReadOnlyList<string> Bidders { get; init; }
    public required DateTimeOffset AwardedAt { get; init; }
}

/// <summary>One lane of an award and the carrier that won it.</summary>
public sealed record AwardedLane
{
    public required string LaneRef { get; init; }
    public required string Origin { get; init; }
    public required string Destination { get; init; }
    public string? Mode { get; init; }
    public required int ContainerCount { get; init; }
    public required string ContainerType { get; init; }
    public required DateOnly From { get; init; }
    public required DateOnly To { get; init; }
    public required string CarrierOrg { get; init; }
    public required string PackageRef { get; init; }
    public required decimal PricePerContainer { get; init; }
}
