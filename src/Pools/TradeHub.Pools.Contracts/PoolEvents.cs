namespace TradeHub.Pools.Contracts;

/// <summary>
/// An SME joined a pool with a cargo offer of full containers: the offer is out of ordinary matching while the pool
/// holds it (Matching proposes it nothing until <see cref="CargoOfferUnpooled"/>).
/// </summary>
public sealed record CargoOfferPooled
{
    public required Guid PoolId { get; init; }
    public required Guid MemberId { get; init; }
    public required Guid CargoOfferId { get; init; }
    public required string OwnerOrg { get; init; }
    public required DateTimeOffset At { get; init; }
}

/// <summary>A pooled cargo offer is back in ordinary matching: its owner left the pool, or the pool was cancelled.</summary>
public sealed record CargoOfferUnpooled
{
    public required Guid PoolId { get; init; }
    public required Guid CargoOfferId { get; init; }
    public required string OwnerOrg { get; init; }
    /// <summary>left (the owner left the pool) or cancelled (the pool did not reach its minimum by the cut-off).</summary>
    public required string Reason { get; init; }
    public required DateTimeOffset At { get; init; }
}

/// <summary>Someone joined a pool: told to the operator and the joining SME only (members never see each other).</summary>
public sealed record PoolMemberJoined
{
    public required Guid PoolId { get; init; }
    public required Guid MemberId { get; init; }
    public required string OperatorOrg { get; init; }
    public required string MemberOrg { get; init; }
    public required int Containers { get; init; }
    public required decimal PricePerContainerAmount { get; init; }
    public required string PriceCurrency { get; init; }
    public required DateTimeOffset JoinedAt { get; init; }

    /// <summary>The public data of pool.joined, one shape wherever an organisation is told (/api/events and webhooks).</summary>
    public object PublicData() => new
    {
        id = PoolId, memberId = MemberId, member = MemberOrg, fill = new { containers = Containers },
        pricePerContainer = new { amount = PricePerContainerAmount, currency = PriceCurrency }, JoinedAt,
    };
}

/// <summary>One member of a formed pool: its full containers, its shares of shared ones and what it pays.</summary>
public sealed record PoolMember
{
    public required Guid MemberId { get; init; }
    public required string Org { get; init; }
    public Guid? CargoOfferId { get; init; }
    /// <summary>Full containers of the member's own.</summary>
    public required int FullContainers { get; init; }
    /// <summary>The member's part of shared containers, in containers (0.25 is a quarter of one box).</summary>
    public required decimal SharedContainers { get; init; }
    /// <summary>The numbers of the shared containers (in the pool's packing plan) its cargo travels in.</summary>
    public required IReadOnlyList<int> SharedContainerNumbers { get; init; }
    public required decimal WeightKg { get; init; }
    public decimal? VolumeM3 { get; init; }
    public string? HsCode { get; init; }
    public required decimal PriceAmount { get; init; }
}

/// <summary>A pool reached its minimum by the cut-off: the train runs and every member travels on it.</summary>
public sealed record PoolFormed
{
    public required Guid PoolId { get; init; }
    public required string OperatorOrg { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    public required DateOnly DepartureDate { get; init; }
    /// <summary>The train's departure (the start of its departure date, UTC) and planned arrival (the corridor network's fastest rail transit).</summary>
    public required DateTimeOffset PlannedDeparture { get; init; }
    public required DateTimeOffset PlannedArrival { get; init; }
    public required string ContainerType { get; init; }
    /// <summary>Containers on the train: full ones plus the shared ones of the packing plan.</summary>
    public required int Containers { get; init; }
    public required decimal PricePerContainerAmount { get; init; }
    public required string PriceCurrency { get; init; }
    public required IReadOnlyList<PoolMember> Members { get; init; }
    public required DateTimeOffset FormedAt { get; init; }

    /// <summary>
    /// The public data of pool.formed per organisation, one shape wherever an organisation is told (/api/events and
    /// webhooks): the operator sees every member, each other organisation only its own members.
    /// </summary>
    public IEnumerable<(string Org, object Data)> PublicViews() =>
        Members.GroupBy(m => m.Org).Where(g => g.Key != OperatorOrg).Select(g => (g.Key, PublicData(g)))
            .Prepend((OperatorOrg, PublicData(Members)));

    private object PublicData(IEnumerable<PoolMember> members) => new
    {
        id = PoolId, status = "running", From, To, DepartureDate, ContainerType, fill = new { containers = Containers },
        pricePerContainer = new { amount = PricePerContainerAmount, currency = PriceCurrency },
        members = members.Select(m => new
        {
            id = m.MemberId, org = m.Org, m.CargoOfferId, m.FullContainers, m.SharedContainers, m.WeightKg, m.VolumeM3,
            price = new { amount = m.PriceAmount, currency = PriceCurrency },
        }),
        FormedAt,
    };
}

/// <summary>A pool did not reach its minimum by the cut-off; its members' cargo goes back to ordinary matching.</summary>
public sealed record PoolCancelled
{
    public required Guid PoolId { get; init; }
    public required string OperatorOrg { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    public required DateOnly DepartureDate { get; init; }
    public required int Containers { get; init; }
    public required int MinContainers { get; init; }
    public required IReadOnlyList<string> MemberOrgs { get; init; }
    public required IReadOnlyList<Guid> CargoOfferIds { get; init; }
    public required DateTimeOffset CancelledAt { get; init; }

    /// <summary>The public data of pool.cancelled, one shape wherever an organisation is told (/api/events and webhooks).</summary>
    public object PublicData() => new
    {
        id = PoolId, status = "cancelled", From, To, DepartureDate, fill = new { containers = Containers }, MinContainers,
        reason = $"{Containers} of the {MinContainers} containers needed by the cut-off", CancelledAt,
    };
}

/// <summary>A newly posted cargo offer fits an open pool (lane, container type, dates): its owner is invited to join.</summary>
public sealed record PoolSuggested
{
    public required Guid PoolId { get; init; }
    public required Guid CargoOfferId { get; init; }
    public required string OwnerOrg { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    public required DateOnly DepartureDate { get; init; }
    public required DateTimeOffset Cutoff { get; init; }
    public required int Containers { get; init; }
    public required string ContainerType { get; init; }
    /// <summary>The price per container were the offer to join now (its containers counted in the fill).</summary>
    public required decimal PriceNowAmount { get; init; }
    /// <summary>The price per container if the train fills to its maximum.</summary>
    public required decimal PriceAtFullFillAmount { get; init; }
    public required string PriceCurrency { get; init; }
    public required DateTimeOffset SuggestedAt { get; init; }

    /// <summary>The public data of pool.suggested, one shape wherever an organisation is told (/api/events and webhooks).</summary>
    public object PublicData() => new
    {
        id = PoolId, CargoOfferId, From, To, DepartureDate, Cutoff, containers = new { count = Containers, type = ContainerType },
        priceNow = new { amount = PriceNowAmount, currency = PriceCurrency },
        priceAtFullFill = new { amount = PriceAtFullFillAmount, currency = PriceCurrency }, SuggestedAt,
    };
}
