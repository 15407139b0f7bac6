namespace TradeHub.Shipments.Common;

/// <summary>A carrier's estimate for a leg: an EST departure or arrival it reported and has not retracted.</summary>
public sealed record CarrierEstimate(int LegIndex, string Type, DateTimeOffset At);

/// <summary>
/// Estimated times from the plan and what actually happened. A leg departs at its planned time or when the cargo
/// arrives from the leg before, whichever is later, and runs for the route's hours; so a departure 9 h late moves
/// every later estimate by 9 h less any slack the plan held (a leg planned to wait for its departure window).
/// Actual times are final; a carrier's own estimate stands for a time not yet actual.
/// </summary>
public static class Estimation
{
    public static List<Leg> Estimate(IReadOnlyList<Leg> legs, IReadOnlyList<CarrierEstimate> estimates)
    {
        var result = new List<Leg>(legs.Count);
        DateTimeOffset? arrivedBefore = null;
        for (var i = 0; i < legs.Count; i++)
        {
            var leg = legs[i];
            var departure = leg.ActualDeparture
                ?? Latest(estimates, i, "DEPA")
                ?? Max(leg.PlannedDeparture, arrivedBefore);
            var arrival = leg.ActualArrival
                ?? Latest(estimates, i, "ARRI")
                ?? departure.AddHours(leg.Hours + leg.DisruptionHours);
            if (leg.ActualArrival is null && arrival < departure) arrival = departure;
            result.Add(leg with { EstimatedDeparture = departure, EstimatedArrival = arrival });
            arrivedBefore = arrival;
        }
        return result;
    }

    private static DateTimeOffset? Latest(IReadOnlyList<CarrierEstimate> estimates, int leg, string type)
    {
        DateTimeOffset? found = null;
        foreach (var e in estimates)
            if (e.LegIndex == leg && e.Type == type) found = e.At; // in order recorded: the last word stands
        return found;
    }

    private static DateTimeOffset Max(DateTimeOffset planned, DateTimeOffset? ready) =>
        ready is { } r && r > planned ? r : planned;

    /// <summary>The end of the deliver-by day (UTC): an arrival after it is late.</summary>
    public static DateTimeOffset Deadline(DateOnly deliverBy) =>
        new(deliverBy.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
