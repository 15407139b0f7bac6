namespace TradeHub.Matching.Contracts;

/// <summary>One carrier's part of a cargo-capacity match.</summary>
public sealed record MatchedLeg
{
    public required Guid CapacityOfferId { get; init; }
    public required string CarrierOrg { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    public required string Mode { get; init; }
    public required int Containers { get; init; }

    /// <summary>The public data of a leg of a match, one shape wherever an organisation is told (/api/events and webhooks).</summary>
    public object PublicData() => new { CapacityOfferId, From, To, carrier = CarrierOrg, Mode, Containers };
}

/// <summary>Matching proposed a match to its parties.</summary>
public sealed record MatchProposed
{
    public required Guid MatchId { get; init; }
    /// <summary>cargo-capacity or trade.</summary>
    public required string Kind { get; init; }
    public required IReadOnlyList<Guid> OfferIds { get; init; }
    public required IReadOnlyList<string> PartyOrgs { get; init; }
    public required double Score { get; init; }
    public required IReadOnlyList<string> Explanation { get; init; }
    public IReadOnlyList<MatchedLeg> Legs { get; init; } = [];
    public required DateTimeOffset ProposedAt { get; init; }

    /// <summary>The public data of match.proposed, one shape wherever an organisation is told (/api/events and webhooks).</summary>
    public object PublicData() => new
    {
        id = MatchId, Kind, status = "proposed", Score, Explanation, offers = OfferIds,
        legs = Legs.Select(l => l.PublicData()), ProposedAt,
    };
}

/// <summary>Every party accepted the match; it counts as a trade flow.</summary>
public sealed record MatchConfirmed
{
    public required Guid MatchId { get; init; }
    public required string Kind { get; init; }
    public required IReadOnlyList<Guid> OfferIds { get; init; }
    public required IReadOnlyList<string> PartyOrgs { get; init; }
    public IReadOnlyList<MatchedLeg> Legs { get; init; } = [];
    public required string Origin { get; init; }
    public required string Destination { get; init; }
    /// <summary>The customs border crossing the route uses, or empty.</summary>
    public required string Corridor { get; init; }
    public required string Mode { get; init; }
    public string? HsCode { get; init; }
    public required int Containers { get; init; }
    public required decimal WeightKg { get; init; }
    public required DateTimeOffset ConfirmedAt { get; init; }

    /// <summary>The public data of match.confirmed, one shape wherever an organisation is told (/api/events and webhooks).</summary>
    public object PublicData() => new
    {
        id = MatchId, Kind, status = "confirmed", offers = OfferIds, legs = Legs.Select(l => l.PublicData()),
        Origin, Destination, Corridor, Mode, HsCode, Containers, WeightKg, ConfirmedAt,
    };
}

/// <summary>A party declined the match, or one of its offers went away.</summary>
public sealed record MatchDeclined
{
    public required Guid MatchId { get; init; }
    public required string Kind { get; init; }
    public required IReadOnlyList<Guid> OfferIds { get; init; }
    public required IReadOnlyList<string> PartyOrgs { get; init; }
    public required string Reason { get; init; }
    public required DateTimeOffset DeclinedAt { get; init; }
}

/// <summary>
/// A proposal lapsed: undecided for too long, or one of its offers is no longer valid. Its places go to the offers'
/// next best.
/// </summary>
public sealed record MatchExpired
{
    public required Guid MatchId { get; init; }
    public required string Kind { get; init; }
    public required IReadOnlyList<Guid> OfferIds { get; init; }
    public required IReadOnlyList<string> PartyOrgs { get; init; }
    public required string Reason { get; init; }
    public required DateTimeOffset ExpiredAt { get; init; }

    /// <summary>The public data of match.expired, one shape wherever an organisation is told (/api/events and webhooks).</summary>
    public object PublicData() => new { id = MatchId, Kind, status = "expired", offers = OfferIds, Reason, ExpiredAt };
}

/// <summary>A confirmed match took containers of space from a capacity offer.</summary>
public sealed record CapacityReserved
{
    public required Guid CapacityOfferId { get; init; }
    public required Guid MatchId { get; init; }
    public required int Containers { get; init; }
    public required DateTimeOffset At { get; init; }
}

/// <summary>
/// Matching has no logistics cost table yet (a first start can miss the one Routing published before Matching's queue
/// existed): Routing answers with a LogisticsCostTableComputed of its current network.
/// </summary>
public sealed record LogisticsCostTableRequested
{
    public required DateTimeOffset RequestedAt { get; init; }
}
