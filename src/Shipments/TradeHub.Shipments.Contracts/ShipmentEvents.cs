namespace TradeHub.Shipments.Contracts;

/// <summary>One leg of a shipment: a carrier moving the cargo from one node to the next, with planned and estimated times.</summary>
public sealed record ShipmentLeg
{
    public required string From { get; init; }
    public required string To { get; init; }
    public required string Mode { get; init; }
    public required string CarrierOrg { get; init; }
    public required DateTimeOffset PlannedDeparture { get; init; }
    public required DateTimeOffset PlannedArrival { get; init; }
    public required DateTimeOffset EstimatedDeparture { get; init; }
    public required DateTimeOffset EstimatedArrival { get; init; }
    public DateTimeOffset? ActualDeparture { get; init; }
    public DateTimeOffset? ActualArrival { get; init; }
}

/// <summary>A confirmed cargo-capacity match or an awarded bid booked a shipment.</summary>
public sealed record ShipmentBooked
{
    public required Guid ShipmentId { get; init; }
    /// <summary>The cargo offer; for a pool member with loose cargo (no cargo offer) its member id.</summary>
    public required Guid CargoOfferId { get; init; }
    public Guid? MatchId { get; init; }
    public Guid? BidId { get; init; }
    /// <summary>The consolidation pool whose train carries it, and the member it is (a pool's shipments).</summary>
    public Guid? PoolId { get; init; }
    public Guid? PoolMemberId { get; init; }
    public required string ShipperOrg { get; init; }
    public required IReadOnlyList<string> CarrierOrgs { get; init; }
    /// <summary>Shipper and carriers: who may see the shipment.</summary>
    public required IReadOnlyList<string> PartyOrgs { get; init; }
    public required string Origin { get; init; }
    public required string Destination { get; init; }
    public required DateOnly DeliverBy { get; init; }
    public required int Containers { get; init; }
    public required string ContainerType { get; init; }
    public required IReadOnlyList<ShipmentLeg> Legs { get; init; }
    public required DateTimeOffset PlannedArrival { get; init; }
    public required DateTimeOffset BookedAt { get; init; }

    /// <summary>The public data of shipment.booked, one shape wherever an organisation is told (/api/events and webhooks).</summary>
    public object PublicData() => new
    {
        id = ShipmentId, CargoOfferId, MatchId, BidId, shipper = ShipperOrg, carriers = CarrierOrgs, status = "booked",
        Origin, Destination, DeliverBy, PlannedArrival, estimatedArrival = PlannedArrival,
        containers = new { count = Containers, type = ContainerType },
        legs = Legs.Select(l => new
        {
            l.From, l.To, l.Mode, carrier = l.CarrierOrg, l.PlannedDeparture, l.PlannedArrival, l.EstimatedDeparture,
            l.EstimatedArrival, l.ActualDeparture, l.ActualArrival,
        }),
        BookedAt,
    };
}

/// <summary>A carrier's tracking event was recorded (or retracted an earlier one).</summary>
public sealed record ShipmentEventRecorded
{
    public required Guid ShipmentId { get; init; }
    public required IReadOnlyList<string> PartyOrgs { get; init; }
    public required string EventId { get; init; }
    /// <summary>DEPA, ARRI, GTIN, GTOT, LOAD, DISC, CUSS, CUSI or CUSR.</summary>
    public required string Type { get; init; }
    /// <summary>ACT or EST.</summary>
    public required string Classifier { get; init; }
    public required string Location { get; init; }
    public required DateTimeOffset EventDateTime { get; init; }
    public required string CarrierOrg { get; init; }
    public string? Reason { get; init; }
    public string? RetractedEventId { get; init; }
    public required DateTimeOffset RecordedAt { get; init; }
}

/// <summary>The estimated arrival moved by more than an hour.</summary>
public sealed record ShipmentEtaChanged
{
    public required Guid ShipmentId { get; init; }
    public required IReadOnlyList<string> PartyOrgs { get; init; }
    public required DateTimeOffset PreviousEstimatedArrival { get; init; }
    public required DateTimeOffset EstimatedArrival { get; init; }
    public required DateOnly DeliverBy { get; init; }
    /// <summary>What moved it: an event id, or a disruption.</summary>
    public required string Cause { get; init; }
    public required DateTimeOffset ChangedAt { get; init; }
}

/// <summary>The estimated arrival passed the cargo's deliver-by date.</summary>
public sealed record ShipmentDelayed
{
    public required Guid ShipmentId { get; init; }
    public required IReadOnlyList<string> PartyOrgs { get; init; }
    public required DateTimeOffset EstimatedArrival { get; init; }
    public required DateOnly DeliverBy { get; init; }
    public required DateTimeOffset At { get; init; }
}

/// <summary>
/// Something ahead of a shipment in transit blocks it (a disruption on its route when the shipment would pass): the
/// estimates already wait out the closure; Routing's best alternative from the shipment's position is proposed.
/// </summary>
public sealed record ShipmentException
{
    public required Guid ShipmentId { get; init; }
    public required IReadOnlyList<string> PartyOrgs { get; init; }
    public required string Reason { get; init; }
    /// <summary>The blocked nodes (a closed leg's two ends).</summary>
    public required IReadOnlyList<string> NodeIds { get; init; }
    public required DateTimeOffset At { get; init; }
    /// <summary>The estimated arrival when the shipment waits out the closure on its booked route.</summary>
    public DateTimeOffset? EstimatedArrival { get; init; }
    /// <summary>Routing's fastest route from the shipment's position to its destination around the closure; null when none.</summary>
    public AlternativeRoute? Alternative { get; init; }
}

/// <summary>A route proposed around a disruption, from the shipment's position to its destination.</summary>
public sealed record AlternativeRoute
{
    public required string From { get; init; }
    public required string To { get; init; }
    public required IReadOnlyList<AlternativeLeg> Legs { get; init; }
    public required double TotalHours { get; init; }
    /// <summary>The arrival if the shipment leaves its position on this route now.</summary>
    public required DateTimeOffset EstimatedArrival { get; init; }
}

public sealed record AlternativeLeg
{
    public required string From { get; init; }
    public required string To { get; init; }
    public required string Mode { get; init; }
    public required double Hours { get; init; }
    public required bool BorderCrossing { get; init; }
    public required bool GaugeChange { get; init; }
}

/// <summary>
/// Shipments asks Routing for routes from a blocked shipment's position to its destination on the date it would
/// pass the closure; Routing answers with AlternativeRoutesComputed carrying the same RequestId.
/// </summary>
public sealed record ShipmentRerouteRequested
{
    public required Guid RequestId { get; init; }
    public required Guid ShipmentId { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    public required DateOnly Date { get; init; }
    /// <summary>Nodes the alternative must not pass (a closed node).</summary>
    public required IReadOnlyList<string> Avoid { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
}

/// <summary>The shipper confirmed delivery.</summary>
public sealed record ShipmentDelivered
{
    public required Guid ShipmentId { get; init; }
    public required Guid CargoOfferId { get; init; }
    public required IReadOnlyList<string> PartyOrgs { get; init; }
    public required string Origin { get; init; }
    public required string Destination { get; init; }
    public required DateOnly DeliverBy { get; init; }
    public required DateTimeOffset DeliveredAt { get; init; }
    public required bool OnTime { get; init; }
}
