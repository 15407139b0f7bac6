using System.Text.Json.Serialization;

namespace TradeHub.Matching.Offers;

/// <summary>One leg of a cargo offer's route, as Matching needs it.</summary>
public sealed record Leg(string From, string To, string Mode, double Hours, double DistanceKm, bool BorderCrossing, bool GaugeChange)
{
    /// <summary>Border and gauge-change legs are handled at the crossing, so no carrier's lane has to cover them.</summary>
    [JsonIgnore]
    public bool IsCrossing => BorderCrossing || GaugeChange;
}

/// <summary>A candidate route of a cargo offer, from Routing.</summary>
public sealed record CargoRoute(string RouteId, IReadOnlyList<Leg> Legs)
{
    [JsonIgnore]
    public string Origin => Legs[0].From;
    [JsonIgnore]
    public string Destination => Legs[^1].To;

    [JsonIgnore]
    public IEnumerable<string> Nodes => Legs.Select(l => l.From).Append(Destination);

    /// <summary>"CNTSN -rail-> KZKHO -rail-> KZALT": what a user reads.</summary>
    [JsonIgnore]
    public string Summary => Legs[0].From + string.Concat(Legs.Select(l => $" -{l.Mode}-> {l.To}"));

    /// <summary>The mode that carries the cargo furthest along the route.</summary>
    [JsonIgnore]
    public string MainMode => Legs.GroupBy(l => l.Mode).OrderByDescending(g => g.Sum(l => l.DistanceKm)).First().Key;

    /// <summary>The customs border crossing node the route uses (exit side), or "".</summary>
    [JsonIgnore]
    public string Corridor => Legs.FirstOrDefault(l => l.BorderCrossing)?.From ?? "";
}

/// <summary>An open shipment to move (projection of Listings' cargo offer).</summary>
public sealed record CargoOffer(
    Guid Id, string OwnerOrg, string Origin, string Destination, DateOnly ReadyDate, DateOnly DeliverBy,
    int Containers, string ContainerType, decimal WeightKg, string? HsCode, decimal? TargetPrice, string? TargetCurrency);

/// <summary>
/// Open space on a lane; Containers is the room still left. ReservedFor names the shipper a tender awarded it to: only
/// that shipper's cargo may use it, and its chains are proposed before any other.
/// </summary>
public sealed record CapacityOffer(
    Guid Id, string CarrierOrg, string From, string To, string Mode, DateOnly DepartureFrom, DateOnly DepartureTo,
    int Containers, string ContainerType, decimal PricePerContainer, string Currency, int TransitDays, string? ReservedFor = null)
{
    [JsonIgnore]
    public Lane Lane => new(From, To, Mode);
}

/// <summary>A carrier's lane: from a node to a node by one mode.</summary>
public readonly record struct Lane(string From, string To, string Mode);

/// <summary>Goods offered for sale or asked for (projection of Listings' trade offer).</summary>
public sealed record TradeOffer(
    Guid Id, string OwnerOrg, string Side, string HsCode, string Product, decimal Quantity, string Unit,
    decimal UnitPrice, string Currency, string City, DateOnly ValidUntil)
{
    public bool IsSell => Side == "sell";
    public string Heading => HsCode.Length >= 4 ? HsCode[..4] : HsCode;
}

/// <summary>Cheapest logistics between two cities per 40' container (from Routing's cost table).</summary>
public sealed record LogisticsQuote(string From, string To, decimal CheapestCostUsd, double CheapestHours, string Summary);

/// <summary>Which container a slot takes: the same type, or a standard 40' in a high-cube slot.</summary>
public static class ContainerTypes
{
    public static bool Fits(string cargoType, string slotType) =>
        string.Equals(cargoType, slotType, StringComparison.OrdinalIgnoreCase)
        || (string.Equals(cargoType, "40GP", StringComparison.OrdinalIgnoreCase)
            && string.Equals(slotType, "40HC", StringComparison.OrdinalIgnoreCase));
}
