using TradeHub.Matching.Offers;

namespace TradeHub.Matching.CargoMatching;

/// <summary>
/// A way to carry a cargo offer along one of its routes: capacity offers end to end from origin to destination,
/// with only border or gauge-change legs between two carriers left to the crossing (bridged).
/// </summary>
public sealed record CapacityChain(CargoOffer Cargo, CargoRoute Route, IReadOnlyList<ChainSegment> Segments, IReadOnlyList<int> BridgedLegs)
{
    public DateOnly Arrives { get; init; }

    /// <summary>The offers of the match: the cargo offer first, then the capacity offers in route order.</summary>
    public IReadOnlyList<Guid> OfferIds => [Cargo.Id, .. Segments.Select(s => s.Capacity.Id)];
}

/// <summary>A chain with its score in 0..1 and the plain sentences that explain it.</summary>
/// <summary>
/// A scored chain. Score and Explanation are what every party sees; OwnerScore and OwnerNotes also weigh the price
/// against the shipper's target, which only the shipper may see (with the price, they would reveal the target).
/// </summary>
public sealed record CargoMatch(CapacityChain Chain, double Score, IReadOnlyList<string> Explanation, decimal? Price, string? Currency,
    double OwnerScore, IReadOnlyList<string> OwnerNotes);

/// <summary>
/// Finds the best chains of capacity offers for a cargo offer. Only full coverage is proposed: a chain must carry the
/// cargo from the route's origin to its destination; a partial carrier would leave the shipper with a leg nobody moves.
/// The search walks the route leg by leg and asks a lane lookup (an index) for offers starting at the current node,
/// so its cost depends on the offers on the route's lanes, not on all open offers.
/// </summary>
public static class CapacityChains
{
    public static IReadOnlyList<CargoMatch> Best(
        CargoOffer cargo, IEnumerable<CargoRoute> routes, Func<Lane, IEnumerable<CapacityOffer>> onLane,
        MatchingRules rules, int take, Guid? mustInclude = null)
    {
        var found = new List<(CapacityChain Chain, double Score)>();
        foreach (var route in routes)
        {
            if (route.Legs.Count == 0) continue;
            var search = new Search(cargo, route, onLane, rules, mustInclude);
            search.Extend(0, 0, false);
            foreach (var chain in search.Chains) found.Add((chain, CargoMatchScore.Score(chain)));
        }
        // Sentences only for the few proposed; the same offers on two routes are one match: keep the better. Chains
        // on capacity a tender awarded to this shipper come first: the shipper bought that space.
        var best = new List<CargoMatch>(take);
        var seen = new HashSet<string>();
        foreach (var (chain, _) in found.OrderByDescending(f => f.Chain.Segments.Any(s => s.Capacity.ReservedFor == cargo.OwnerOrg))
                     .ThenByDescending(f => f.Score))
        {
            if (best.Count == take) break;
            if (seen.Add(string.Join(',', chain.OfferIds.Order()))) best.Add(CargoMatchScore.Of(chain));
        }
        return best;
    }

    private sealed class Search(CargoOffer cargo, CargoRoute route, Func<Lane, IEnumerable<CapacityOffer>> onLane,
        MatchingRules rules, Guid? mustInclude)
    {
        private readonly IReadOnlyList<Leg> legs = route.Legs;
        private readonly List<ChainSegment> segments = [];
        private readonly List<int> bridged = [];
        private int steps;
        // The offers that fit a lane depend only on the day the cargo reaches it: many prefixes share them.
        private readonly Dictionary<(int First, int Last, int Day), List<ChainSegment>> fitting = [];
        public readonly List<CapacityChain> Chains = [];

        /// <summary>Carries the cargo on from leg position, which it reaches hours after its ready date.</summary>
        public void Extend(int position, double hours, bool lastWasBridge)
        {
            if (++steps > rules.MaxSearchSteps) return;
            var reaches = LaneFit.DayAt(cargo.ReadyDate, hours);
            if (reaches > cargo.DeliverBy) return;
            if (position == legs.Count)
            {
                if (segments.Count > 0 && !lastWasBridge
                    && (mustInclude is null || segments.Exists(s => s.Capacity.Id == mustInclude)))
                    Chains.Add(new CapacityChain(cargo, route, [.. segments], [.. bridged]) { Arrives = reaches });
                return;
            }

            // A crossing between two carriers is bridged by the border terminal: no lane needs to cover it.
            if (segments.Count > 0 && legs[position].IsCrossing)
            {
                bridged.Add(position);
                Extend(position + 1, hours + legs[position].Hours, true);
                bridged.RemoveAt(bridged.Count - 1);
            }

            var mode = legs[position].Mode;
            for (var last = position; last < legs.Count && legs[last].Mode == mode; last++)
            {
                foreach (var segment in Candidates(position, last, hours))
                {
                    if (Used(segment.Capacity.Id)) continue;
                    segments.Add(segment);
                    Extend(last + 1, (segment.Arrives.DayNumber - cargo.ReadyDate.DayNumber) * 24.0, false);
                    segments.RemoveAt(segments.Count - 1);
                }
            }
        }

        /// <summary>The few best fitting offers on the lane of legs first..last: earliest departure, then cheapest.</summary>
        private List<ChainSegment> Candidates(int first, int last, double hours)
        {
            var key = (first, last, LaneFit.DayAt(cargo.ReadyDate, hours).DayNumber);
            if (!fitting.TryGetValue(key, out var best)) fitting[key] = best = Fitting(first, last, hours);
            return best;
        }

        private List<ChainSegment> Fitting(int first, int last, double hours)
        {
            var best = new List<ChainSegment>(rules.CandidatesPerLane + 1);
            foreach (var capacity in onLane(new Lane(legs[first].From, legs[last].To, legs[first].Mode)))
            {
                var segment = LaneFit.Segment(cargo, first, last, capacity, hours, rules, out _);
                if (segment is null) continue;
                var at = best.FindIndex(b => Better(segment, b));
                if (at < 0) best.Add(segment); else best.Insert(at, segment);
                if (best.Count > rules.CandidatesPerLane) best.RemoveAt(best.Count - 1);
            }
            // An offer that must be in the chain is never crowded out by better ones on its lane.
            if (mustInclude is { } id && !best.Exists(b => b.Capacity.Id == id))
                foreach (var capacity in onLane(new Lane(legs[first].From, legs[last].To, legs[first].Mode)))
                    if (capacity.Id == id && LaneFit.Segment(cargo, first, last, capacity, hours, rules, out _) is { } own)
                        best.Add(own);
            return best;
        }

        private bool Used(Guid id)
        {
            foreach (var s in segments) if (s.Capacity.Id == id) return true;
            return false;
        }

        private static bool Better(ChainSegment a, ChainSegment b) =>
            a.Arrives != b.Arrives ? a.Arrives < b.Arrives : a.Capacity.PricePerContainer < b.Capacity.PricePerContainer;
    }
}
