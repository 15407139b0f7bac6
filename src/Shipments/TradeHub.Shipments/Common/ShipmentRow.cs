using TradeHub.Hosting.Auth;

namespace TradeHub.Shipments.Common;

/// <summary>A shipment as stored.</summary>
internal sealed record ShipmentRow
{
    public Guid Id { get; init; }
    public Guid CargoOfferId { get; init; }
    public Guid? MatchId { get; init; }
    public Guid? BidId { get; init; }
    public Guid? PoolId { get; init; }
    public string ShipperOrg { get; init; } = "";
    public string[] CarrierOrgs { get; init; } = [];
    public string Status { get; init; } = "";
    public bool Delayed { get; init; }
    public string Origin { get; init; } = "";
    public string Destination { get; init; } = "";
    public DateOnly DeliverBy { get; init; }
    public int ContainerCount { get; init; }
    public string ContainerType { get; init; } = "";
    public string LegsJson { get; init; } = "[]";
    public DateTime PlannedArrival { get; init; }
    public DateTime EstimatedArrival { get; init; }
    public DateTime? ActualArrival { get; init; }
    public string? PositionLocation { get; init; }
    public DateTime? PositionSince { get; init; }
    public DateTime BookedAt { get; init; }

    public const string Columns = """
        id AS Id, cargo_offer_id AS CargoOfferId, match_id AS MatchId, bid_id AS BidId, pool_id AS PoolId, shipper_org AS ShipperOrg,
        carrier_orgs AS CarrierOrgs, status AS Status, delayed AS Delayed, origin AS Origin, destination AS Destination,
        deliver_by AS DeliverBy, container_count AS ContainerCount, container_type AS ContainerType, legs::text AS LegsJson,
        planned_arrival AS PlannedArrival, estimated_arrival AS EstimatedArrival, actual_arrival AS ActualArrival,
        position_location AS PositionLocation, position_since AS PositionSince, booked_at AS BookedAt
        """;

    public IReadOnlyList<string> Parties => [ShipperOrg, .. CarrierOrgs];

    public bool IsParty(Caller caller) => caller.Org.Length > 0 && (caller.Org == ShipperOrg || CarrierOrgs.Contains(caller.Org));

    public ShipmentView View() => new(Id, CargoOfferId, MatchId, BidId, PoolId, ShipperOrg, CarrierOrgs, Status, Delayed, Origin,
        Destination, DeliverBy, Utc(PlannedArrival), Utc(EstimatedArrival), ActualArrival is { } a ? Utc(a) : null,
        PositionLocation is null ? null : new Position(PositionLocation, Utc(PositionSince!.Value)),
        new ShipmentContainers(ContainerCount, ContainerType),
        Legs.FromJson(LegsJson).Select(l => new ShipmentLegView(l.From, l.To, l.Mode, l.Carrier, l.PlannedDeparture, l.PlannedArrival,
            l.EstimatedDeparture, l.EstimatedArrival, l.ActualDeparture, l.ActualArrival)).ToList());

    public static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}

public sealed record Position(string Location, DateTimeOffset Since);

public sealed record ShipmentContainers(int Count, string Type);

public sealed record ShipmentLegView(string From, string To, string Mode, string Carrier, DateTimeOffset PlannedDeparture,
    DateTimeOffset PlannedArrival, DateTimeOffset EstimatedDeparture, DateTimeOffset EstimatedArrival,
    DateTimeOffset? ActualDeparture, DateTimeOffset? ActualArrival);

/// <summary>A shipment as the API shows it to its parties.</summary>
public sealed record ShipmentView(Guid Id, Guid CargoOfferId, Guid? MatchId, Guid? BidId, Guid? PoolId, string Shipper,
    IReadOnlyList<string> Carriers, string Status, bool Delayed, string Origin, string Destination, DateOnly DeliverBy,
    DateTimeOffset PlannedArrival, DateTimeOffset EstimatedArrival, DateTimeOffset? ActualArrival, Position? Position,
    ShipmentContainers Containers, IReadOnlyList<ShipmentLegView> Legs);
