namespace TradeHub.Routing.Network;

/// <summary>A node or leg closed for a date range (inclusive) by an admin.</summary>
public sealed record Disruption(Guid Id, string? NodeId, string? LegId, DateOnly From, DateOnly To, string Reason, DateTimeOffset CreatedAt)
{
    /// <summary>
    /// A disruption applies to a shipment when its date range contains the shipment's ready date (today when none):
    /// simple and predictable; a multi-week transit that meets a closure later is not modelled.
    /// </summary>
    public bool AppliesOn(DateOnly day) => From <= day && day <= To;
}

/// <summary>The network of one version with its disruptions; immutable, swapped whole on reload.</summary>
public sealed record NetworkSnapshot(CorridorNetwork Network, IReadOnlyList<Disruption> Disruptions, long Version)
{
    public NetworkGraph Graph => Network.Graph;
}
