namespace TradeHub.Routing.Contracts;

/// <summary>One leg of a route as a shipment experiences it.</summary>
public sealed record RouteLeg
{
    public required string LegId { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    public required string Mode { get; init; }
    public required double DistanceKm { get; init; }
    public required double Hours { get; init; }
    public required decimal CostUsd { get; init; }
    public required double Co2Kg { get; init; }
    /// <summary>The leg crosses a customs border (not an internal EAEU border).</summary>
    public required bool BorderCrossing { get; init; }
    public required bool GaugeChange { get; init; }
    /// <summary>The leg crosses a border inside the EAEU customs union (no customs clearance). Added later: optional.</summary>
    public bool InternalBorder { get; init; }
}

/// <summary>A Pareto-optimal route option for a shipment.</summary>
public sealed record RouteOption
{
    public required string RouteId { get; init; }
    public required IReadOnlyList<RouteLeg> Legs { get; init; }
    public required double TotalHours { get; init; }
    public required double TotalDistanceKm { get; init; }
    public required decimal CostUsd { get; init; }
    public required double Co2Kg { get; init; }
    public required int BorderCrossings { get; init; }
    public required int GaugeChanges { get; init; }
    /// <summary>Borders inside the EAEU customs union crossed (counted apart from customs borders). Optional.</summary>
    public int InternalBorderCrossings { get; init; }
    /// <summary>Origin and destination terminal allowance included in TotalHours. Optional.</summary>
    public double TerminalHours { get; init; }
}

/// <summary>The current route options of a cargo offer; a higher Version replaces a lower one.</summary>
public sealed record CargoRoutesComputed
{
    public required Guid CargoOfferId { get; init; }
    public required string OwnerOrg { get; init; }
    public required long Version { get; init; }
    public required IReadOnlyList<RouteOption> Routes { get; init; }
    /// <summary>Why the routes were computed: posted, disruption or restored.</summary>
    public required string Reason { get; init; }
    public required DateTimeOffset ComputedAt { get; init; }
    /// <summary>
    /// The offer as posted, so that a consumer of the routes needs no second message for it (and no reassembly of
    /// the two in either order). Added later: optional; absent on re-routes of offers Routing stored before it.
    /// </summary>
    public CargoOfferDetails? Offer { get; init; }

    /// <summary>
    /// The public data of routes.changed, one shape wherever an organisation is told (the gateway's /api/events and
    /// the webhooks), serialised with the web defaults (camelCase).
    /// </summary>
    public object PublicData() => new
    {
        CargoOfferId, status = "ready", Version, Reason, ComputedAt,
        routes = Routes.Select(o => new
        {
            id = o.RouteId,
            legs = o.Legs.Select(l => new
            {
                l.From, l.To, l.Mode, l.DistanceKm, l.Hours, l.CostUsd, l.Co2Kg, l.BorderCrossing, l.GaugeChange,
            }),
            o.TotalHours, o.TotalDistanceKm, o.CostUsd, o.Co2Kg, o.BorderCrossings, o.GaugeChanges,
        }),
    };
}

/// <summary>A cargo offer's terms as its owner posted them (the fields of Listings' CargoOfferPosted).</summary>
public sealed record CargoOfferDetails
{
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

/// <summary>The route network changed (a disruption opened or closed, nodes or legs edited).</summary>
public sealed record RouteNetworkChanged
{
    public required IReadOnlyList<string> NodeIds { get; init; }
    public required string Reason { get; init; }
    public required DateTimeOffset ChangedAt { get; init; }
    /// <summary>The disruption opened or lifted, when the change is one. Added later: optional, like the fields below.</summary>
    public Guid? DisruptionId { get; init; }
    /// <summary>The closed leg (its two ends are NodeIds); empty for a closed node.</summary>
    public IReadOnlyList<string> LegIds { get; init; } = [];
    /// <summary>The closure's first and last day (inclusive, UTC).</summary>
    public DateOnly? ClosedFrom { get; init; }
    public DateOnly? ClosedTo { get; init; }
    /// <summary>The disruption was lifted: routes through it are open again.</summary>
    public bool Lifted { get; init; }
}

/// <summary>Routes from a shipment's position to its destination, answering Shipments' ShipmentRerouteRequested.</summary>
public sealed record AlternativeRoutesComputed
{
    public required Guid RequestId { get; init; }
    public required Guid ShipmentId { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    /// <summary>Fastest first; empty when no route avoids the closure.</summary>
    public required IReadOnlyList<RouteOption> Routes { get; init; }
    /// <summary>Why there is no route, when there is none.</summary>
    public string? Reason { get; init; }
    public required DateTimeOffset ComputedAt { get; init; }
}

/// <summary>Cheapest and fastest logistics between two cities, per 40' container.</summary>
public sealed record CityPairLogistics
{
    public required string From { get; init; }
    public required string To { get; init; }
    public required decimal CheapestCostUsd { get; init; }
    public required double CheapestHours { get; init; }
    public required string CheapestRouteSummary { get; init; }
    public required double FastestHours { get; init; }
    public required decimal FastestCostUsd { get; init; }
}

/// <summary>The full city-to-city logistics table of the (small) network; a higher Version replaces a lower one.</summary>
public sealed record LogisticsCostTableComputed
{
    public required long Version { get; init; }
    public required IReadOnlyList<CityPairLogistics> Pairs { get; init; }
    public required DateTimeOffset ComputedAt { get; init; }
}
