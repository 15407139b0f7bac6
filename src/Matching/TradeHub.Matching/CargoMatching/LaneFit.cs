using TradeHub.Matching.Offers;

namespace TradeHub.Matching.CargoMatching;

/// <summary>One carrier's part of a chain: a capacity offer carrying the cargo over legs FirstLeg..LastLeg of a route.</summary>
public sealed record ChainSegment(CapacityOffer Capacity, int FirstLeg, int LastLeg, DateOnly ReachesStart, DateOnly Departs, DateOnly Arrives)
{
    /// <summary>Days the cargo waits at the lane's start for this departure.</summary>
    public int WaitDays => Departs.DayNumber - ReachesStart.DayNumber;
}

/// <summary>Whether a capacity offer fits a cargo offer on a route, and if not, why.</summary>
public sealed record Fit(ChainSegment? Segment, string Reason)
{
    public bool Fits => Segment is not null;
}

/// <summary>
/// The fit of one capacity offer on one route: its lane covers consecutive legs of the same mode, its departure
/// window opens within the slack after the cargo reaches the lane's start, it has room and the container type fits,
/// and the cargo still arrives by its deliver-by date.
/// </summary>
public static class LaneFit
{
    /// <summary>Checks the offer against the route on its own (the legs before and after it take their scheduled hours).</summary>
    public static Fit Check(CargoOffer cargo, CargoRoute route, CapacityOffer capacity, MatchingRules rules)
    {
        var legs = route.Legs;
        var hoursBefore = 0.0;
        for (var first = 0; first < legs.Count; first++)
        {
            if (legs[first].From == capacity.From)
            {
                var last = CoveredUpTo(legs, first, capacity);
                if (last < 0) return new Fit(null, $"lane {capacity.From} -> {capacity.To} by {capacity.Mode} does not follow the route's legs");
                var fit = Segment(cargo, legs, first, last, capacity, hoursBefore, rules, out var reason);
                if (fit is null) return new Fit(null, reason);
                var hoursAfter = legs.Skip(last + 1).Sum(l => l.Hours);
                var arrives = DayAt(cargo.ReadyDate, (fit.Arrives.DayNumber - cargo.ReadyDate.DayNumber) * 24.0 + hoursAfter);
                return arrives > cargo.DeliverBy
                    ? new Fit(null, $"the cargo would arrive on {arrives:yyyy-MM-dd}, after its deliver-by date {cargo.DeliverBy:yyyy-MM-dd}")
                    : new Fit(fit, "fits");
            }
            hoursBefore += legs[first].Hours;
        }
        return new Fit(null, $"the route does not pass {capacity.From}");
    }

    /// <summary>The index of the route's leg that ends at the lane's end, with every leg from first on in the lane's mode; -1 if none.</summary>
    public static int CoveredUpTo(IReadOnlyList<Leg> legs, int first, CapacityOffer capacity)
    {
        for (var j = first; j < legs.Count && legs[j].Mode == capacity.Mode; j++)
            if (legs[j].To == capacity.To) return j;
        return -1;
    }

    /// <summary>
    /// The segment the offer makes of legs first..last when the cargo reaches the lane's start
    /// hoursSinceReady hours after its ready date (midnight); null with a reason when it does not fit.
    /// </summary>
    internal static ChainSegment? Segment(CargoOffer cargo, IReadOnlyList<Leg> legs, int first, int last,
        CapacityOffer capacity, double hoursSinceReady, MatchingRules rules, out string reason)
    {
        var segment = Segment(cargo, first, last, capacity, hoursSinceReady, rules, out var misfit);
        var reaches = DayAt(cargo.ReadyDate, hoursSinceReady);
        reason = misfit switch
        {
            Misfit.Reserved => $"the capacity is reserved for another shipper by a tender award",
            Misfit.Room => $"only {capacity.Containers} of {cargo.Containers} containers of room left",
            Misfit.ContainerType => $"{capacity.ContainerType} slots do not take {cargo.ContainerType} containers",
            Misfit.WindowClosed => $"departure window closes {capacity.DepartureTo:yyyy-MM-dd}, before the cargo reaches {capacity.From} on {reaches:yyyy-MM-dd}",
            Misfit.WindowLate => $"departure window opens {capacity.DepartureFrom:yyyy-MM-dd}, more than {rules.DepartureSlackDays} days after the cargo reaches {capacity.From} on {reaches:yyyy-MM-dd}",
            _ => "fits",
        };
        return segment;
    }

    internal enum Misfit { None, Reserved, Room, ContainerType, WindowClosed, WindowLate }

    /// <summary>The same check without sentences: the chain search runs it for every offer on a lane.</summary>
    internal static ChainSegment? Segment(CargoOffer cargo, int first, int last, CapacityOffer capacity,
        double hoursSinceReady, MatchingRules rules, out Misfit misfit)
    {
        if (capacity.ReservedFor is { } shipper && shipper != cargo.OwnerOrg) { misfit = Misfit.Reserved; return null; }
        if (capacity.Containers < cargo.Containers) { misfit = Misfit.Room; return null; }
        if (!ContainerTypes.Fits(cargo.ContainerType, capacity.ContainerType)) { misfit = Misfit.ContainerType; return null; }
        var reaches = DayAt(cargo.ReadyDate, hoursSinceReady);
        var earliest = reaches > capacity.DepartureFrom ? reaches : capacity.DepartureFrom;
        var latest = reaches.AddDays(rules.DepartureSlackDays);
        if (capacity.DepartureTo < latest) latest = capacity.DepartureTo;
        if (earliest > latest)
        {
            misfit = capacity.DepartureTo < reaches ? Misfit.WindowClosed : Misfit.WindowLate;
            return null;
        }
        misfit = Misfit.None;
        return new ChainSegment(capacity, first, last, reaches, earliest, earliest.AddDays(capacity.TransitDays));
    }

    internal static DateOnly DayAt(DateOnly ready, double hoursSinceReady) =>
        ready.AddDays((int)Math.Floor(hoursSinceReady / 24.0));
}
