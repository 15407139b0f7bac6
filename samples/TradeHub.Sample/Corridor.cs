using TradeHub.Sample.Api;

namespace TradeHub.Sample;

/// <summary>One leg of a route as the gateway returns it.</summary>
public sealed record RouteLeg(string From, string To, string Mode, double Hours, decimal CostUsd, bool BorderCrossing, bool GaugeChange)
{
    public bool IsCrossing => BorderCrossing || GaugeChange;

    public static RouteLeg Of(RouteLegView leg) =>
        new(leg.From, leg.To, leg.Mode, leg.Hours, (decimal)leg.CostUsd, leg.BorderCrossing, leg.GaugeChange);
}

/// <summary>A lane one carrier offers capacity on: consecutive legs of one mode.</summary>
public sealed record Lane(string From, string To, string Mode, double Hours, decimal CostUsd)
{
    public override string ToString() => $"{From} -> {To} by {Mode}";
}

public static class Corridor
{
    /// <summary>
    /// Splits a route between two carriers the way the corridor works: the first carrier up to the break of
    /// gauge (China's 1435 mm to the 1520 mm network, e.g. Khorgos -> Altynkol), where the border terminal
    /// transships, the second from there on. Each carrier's part is one lane per run of legs of one mode.
    /// A route without an inner crossing stays with the first carrier.
    /// </summary>
    public static (IReadOnlyList<Lane> First, IReadOnlyList<Lane> Second) SplitAtCrossing(IReadOnlyList<RouteLeg> legs)
    {
        var handover = -1;
        for (var i = 1; i < legs.Count - 1 && handover < 0; i++)
            if (legs[i].GaugeChange) handover = i;
        for (var i = 1; i < legs.Count - 1 && handover < 0; i++)
            if (legs[i].IsCrossing) handover = i;
        return handover < 0
            ? (Lanes(legs), [])
            : (Lanes(legs.Take(handover).ToList()), Lanes(legs.Skip(handover + 1).ToList()));
    }

    /// <summary>Consecutive legs of the same mode make one lane.</summary>
    public static IReadOnlyList<Lane> Lanes(IReadOnlyList<RouteLeg> legs)
    {
        var lanes = new List<Lane>();
        foreach (var leg in legs)
        {
            if (lanes.Count > 0 && lanes[^1].Mode == leg.Mode)
                lanes[^1] = lanes[^1] with { To = leg.To, Hours = lanes[^1].Hours + leg.Hours, CostUsd = lanes[^1].CostUsd + leg.CostUsd };
            else
                lanes.Add(new Lane(leg.From, leg.To, leg.Mode, leg.Hours, leg.CostUsd));
        }
        return lanes;
    }

    public static string Describe(IReadOnlyList<RouteLeg> legs) =>
        legs.Count == 0 ? "(no legs)" : string.Join(" ", legs.Select(l => $"{l.From} -{l.Mode}{(l.IsCrossing ? "/border" : "")}->")) + " " + legs[^1].To;
}
