namespace TradeHub.Shipments.Contracts;

/// <summary>A party of a delivered shipment rated another party of it.</summary>
public sealed record RatingGiven
{
    public required Guid ShipmentId { get; init; }
    public required string RaterOrg { get; init; }
    public required string RateeOrg { get; init; }
    /// <summary>1 to 5.</summary>
    public required int Stars { get; init; }
    public string? Comment { get; init; }
    public required DateTimeOffset RatedAt { get; init; }
}

/// <summary>A delivery or a rating moved an organisation's trust score (0-100; the formula is in docs/trust.md).</summary>
public sealed record TrustScoreChanged
{
    /// <summary>The score of an organisation with no shipment delivered on TradeHub: the formula's priors alone.</summary>
    public const int WithoutRecord = 60;

    public required string Org { get; init; }
    public required int Score { get; init; }
    public required int PreviousScore { get; init; }
    /// <summary>Delivered shipments the score rests on.</summary>
    public required int Shipments { get; init; }
    public required DateTimeOffset ChangedAt { get; init; }
}
