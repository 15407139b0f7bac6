using System.Text.Json;
using TradeHub.Shipments.Contracts;

namespace TradeHub.Shipments.Common;

/// <summary>Shipment statuses.</summary>
public static class ShipmentStatus
{
    public const string Booked = "booked";
    public const string InTransit = "in_transit";
    public const string Delivered = "delivered";
    public const string Cancelled = "cancelled";
    public static readonly string[] All = [Booked, InTransit, Delivered, Cancelled];
}

/// <summary>
/// One leg as stored (jsonb on the shipment row): the carrier's stretch from one node to the next, the route nodes it
/// passes (where its events may happen), its running hours from the route, and planned, estimated and actual times.
/// </summary>
public sealed record Leg
{
    public required string From { get; init; }
    public required string To { get; init; }
    public required string Mode { get; init; }
    public required string Carrier { get; init; }
    /// <summary>From, the route nodes between, To.</summary>
    public required IReadOnlyList<string> Nodes { get; init; }
    /// <summary>Running time from the route's leg hours (border dwell and gauge change included).</summary>
    public required double Hours { get; init; }
    /// <summary>The nodes among <see cref="Nodes"/> where a customs border is crossed (the far side of such a route leg).</summary>
    public IReadOnlyList<string> Crossings { get; init; } = [];
    public required DateTimeOffset PlannedDeparture { get; init; }
    public required DateTimeOffset PlannedArrival { get; init; }
    public required DateTimeOffset EstimatedDeparture { get; init; }
    public required DateTimeOffset EstimatedArrival { get; init; }
    public DateTimeOffset? ActualDeparture { get; init; }
    public DateTimeOffset? ActualArrival { get; init; }
    /// <summary>Extra hours a disruption ahead adds to this leg (a closure's remaining duration as a wait).</summary>
    public double DisruptionHours { get; init; }

    public ShipmentLeg Contract() => new()
    {
        From = From, To = To, Mode = Mode, CarrierOrg = Carrier, PlannedDeparture = PlannedDeparture,
        PlannedArrival = PlannedArrival, EstimatedDeparture = EstimatedDeparture, EstimatedArrival = EstimatedArrival,
        ActualDeparture = ActualDeparture, ActualArrival = ActualArrival,
    };
}

public static class Legs
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string ToJson(IReadOnlyList<Leg> legs) => JsonSerializer.Serialize(legs, Json);

    public static List<Leg> FromJson(string json) => JsonSerializer.Deserialize<List<Leg>>(json, Json) ?? [];
}
