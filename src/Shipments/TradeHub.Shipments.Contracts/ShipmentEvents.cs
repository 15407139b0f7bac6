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

/// <summary>
/// A carrier's tracking event was recorded (or retracted an earlier one). Shipments tells a post's events in one
/// <see cref="ShipmentEventsRecorded"/>; the consumers still take this one, which outbox rows written before may hold.
/// </summary>
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

    /// <summary>The public data of shipment.event, one shape wherever an organisation is told (/api/events and webhooks).</summary>
    public object PublicData() => new
    {
        shipmentId = ShipmentId, EventId, Type, Classifier, Location, EventDateTime, carrier = CarrierOrg, Reason,
        RetractedEventId, RecordedAt,
    };
}

/// <summary>
/// The tracking events one post of a carrier recorded on a shipment, in the order posted: one message for a batch of up
/// to 500 rather than one per event. Each event keeps an id of its own, the id of its live event and its webhooks.
/// </summary>
public sealed record ShipmentEventsRecorded
{
    public required Guid ShipmentId { get; init; }
    public required IReadOnlyList<string> PartyOrgs { get; init; }
    public required string CarrierOrg { get; init; }
    public required IReadOnlyList<RecordedTrackingEvent> Events { get; init; }
    public required DateTimeOffset RecordedAt { get; init; }

    /// <summary>Each event's id and public data, the same shape as <see cref="ShipmentEventRecorded.PublicData"/>.</summary>
    public IEnumerable<(Guid Id, object Data)> PublicEvents() => Events.Select(e => (e.Id, (object)new
    {
        shipmentId = ShipmentId, e.EventId, e.Type, e.Classifier, e.Location, e.EventDateTime, carrier = CarrierOrg, e.Reason,
        e.RetractedEventId, RecordedAt,
    }));
}

/// <summary>One event of <see cref="ShipmentEventsRecorded"/>.</summary>
public sealed record RecordedTrackingEvent
{
    /// <summary>Unique per recorded event: the live event's and the webhooks' id.</summary>
    public required Guid Id { get; init; }
    public required string EventId { get; init; }
    /// <summary>DEPA, ARRI, GTIN, GTOT, LOAD, DISC, CUSS, CUSI or CUSR.</summary>
    public required string Type { get; init; }
    /// <summary>ACT or EST.</summary>
    public required string Classifier { get; init; }
    public required string Location { get; init; }
    public required DateTimeOffset EventDateTime { get; init; }
    public string? Reason { get; init; }
    public string? RetractedEventId { get; init; }
}

/// <summary>
/// The estimates one transaction moved, in one message however many shipments it moved (a closure moves thousands,
/// and a message each would queue them behind one another at the relay and at every consumer). Each change keeps its
/// own <c>Id</c>, the id of its live event and webhooks. Shipments tells estimates only this way; the consumers still
/// take <see cref="ShipmentEtaChanged"/> and <see cref="ShipmentDelayed"/> alone, which outbox rows written before may hold.
/// </summary>
public sealed record ShipmentEstimatesChanged
{
    public required IReadOnlyList<ShipmentEtaChanged> EtaChanged { get; init; }
    public required IReadOnlyList<ShipmentDelayed> Delayed { get; init; }
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
    /// <summary>Set when told inside <see cref="ShipmentEstimatesChanged"/>: the id of its live event and webhooks.</summary>
    public Guid Id { get; init; }

    /// <summary>The public data of shipment.eta_changed, one shape wherever an organisation is told (/api/events and webhooks).</summary>
    public object PublicData() => new { shipmentId = ShipmentId, PreviousEstimatedArrival, EstimatedArrival, DeliverBy, Cause, ChangedAt };
}

/// <summary>The estimated arrival passed the cargo's deliver-by date.</summary>
public sealed record ShipmentDelayed
{
    public required Guid ShipmentId { get; init; }
    public required IReadOnlyList<string> PartyOrgs { get; init; }
    public required DateTimeOffset EstimatedArrival { get; init; }
    public required DateOnly DeliverBy { get; init; }
    public required DateTimeOffset At { get; init; }
    /// <summary>Set when told inside <see cref="ShipmentEstimatesChanged"/>: the id of its live event and webhooks.</summary>
    public Guid Id { get; init; }

    /// <summary>The public data of shipment.delayed, one shape wherever an organisation is told (/api/events and webhooks).</summary>
    public object PublicData() => new { shipmentId = ShipmentId, delayed = true, EstimatedArrival, DeliverBy, At };
}

/// <summary>
/// The exceptions of one answer from Routing, in one message: every shipment that shared the reroute request (those a
/// closure blocks at the same place, bound for the same destination on the same day), which after a busy corridor's
/// closure is a thousand. Each exception keeps its own <c>Id</c>, the id of its live event and webhooks. Shipments
/// tells exceptions only this way; the consumers still take <see cref="ShipmentException"/> alone, which outbox rows
/// written before may hold.
/// </summary>
public sealed record ShipmentExceptionsRaised
{
    public required IReadOnlyList<ShipmentException> Exceptions { get; init; }
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
    /// <summary>Set when told inside <see cref="ShipmentExceptionsRaised"/>: the id of its live event and webhooks.</summary>
    public Guid Id { get; init; }

    /// <summary>The public data of shipment.exception, one shape wherever an organisation is told (/api/events and webhooks).</summary>
    public object PublicData() => new { shipmentId = ShipmentId, Reason, NodeIds, At, EstimatedArrival, Alternative };
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
