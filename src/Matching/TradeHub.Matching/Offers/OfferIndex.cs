using TradeHub.Matching.CargoMatching;
using TradeHub.Matching.TradeMatching;

namespace TradeHub.Matching.Offers;

/// <summary>
/// The open offers in memory, indexed so that a new offer is matched against what is open without scanning it all:
/// capacity by lane, cargo by the nodes of its routes, trade offers by HS heading. Not thread-safe:
/// <see cref="OpenOffers"/> guards it.
/// </summary>
public sealed class OfferIndex
{
    private readonly Dictionary<Guid, CargoOffer> cargo = [];
    private readonly Dictionary<Guid, RouteSet> routes = [];
    private readonly Dictionary<RouteSet, RouteSet> routeSets = [];
    private readonly Dictionary<string, HashSet<RouteSet>> routeSetsByNode = [];
    private readonly Dictionary<Guid, CapacityOffer> capacity = [];
    private readonly Dictionary<Lane, Dictionary<Guid, CapacityOffer>> lanes = [];
    private readonly Dictionary<Guid, TradeOffer> trade = [];
    private readonly Dictionary<string, Dictionary<Guid, TradeOffer>> tradeByHeading = [];
    private Dictionary<(string From, string To), LogisticsQuote> logistics = [];

    public int CapacityCount => capacity.Count;

    public CargoOffer? Cargo(Guid id) => cargo.GetValueOrDefault(id);
    public IReadOnlyList<CargoRoute> RoutesOf(Guid cargoId) => routes.GetValueOrDefault(cargoId)?.Routes ?? [];
    public CapacityOffer? Capacity(Guid id) => capacity.GetValueOrDefault(id);
    public TradeOffer? Trade(Guid id) => trade.GetValueOrDefault(id);

    public void PutCargo(CargoOffer offer) => cargo[offer.Id] = offer with
    {
        OwnerOrg = Shared(sharedText, offer.OwnerOrg), Origin = Shared(sharedText, offer.Origin),
        Destination = Shared(sharedText, offer.Destination), ContainerType = Shared(sharedText, offer.ContainerType),
        HsCode = offer.HsCode is null ? null : Shared(sharedText, offer.HsCode),
        TargetCurrency = offer.TargetCurrency is null ? null : Shared(sharedText, offer.TargetCurrency),
    };
    public void RemoveCargo(Guid id) => cargo.Remove(id);

    /// <summary>A cargo offer closed: it and its routes leave the index.</summary>
    public void RemoveCargoWithRoutes(Guid id)
    {
        cargo.Remove(id);
        RemoveRoutes(id);
    }

    // Thousands of open cargo offers travel the same few hundred legs of the network: the index holds one copy of each
    // leg, route id, node id and organisation rather than one per offer (the pools stop growing at MaxShared, should ids ever be unbounded).
    private readonly Dictionary<Leg, Leg> sharedLegs = [];
    private readonly Dictionary<string, string> sharedRouteIds = [];
    private readonly Dictionary<string, string> sharedText = [];
    private const int MaxShared = 100_000;

    private static T Shared<T>(Dictionary<T, T> pool, T value) where T : notnull
    {
        if (pool.TryGetValue(value, out var shared)) return shared;
        if (pool.Count < MaxShared) pool[value] = value;
        return value;
    }

    public void PutRoutes(Guid cargoId, IReadOnlyList<CargoRoute> options)
    {
        RemoveRoutes(cargoId);
        var offered = new RouteSet([.. options.Select(r => new CargoRoute(Shared(sharedRouteIds, r.RouteId), r.Legs.Select(l => Shared(sharedLegs, l)).ToArray()))]);
        if (!routeSets.TryGetValue(offered, out var set))
        {
            routeSets[offered] = set = offered;
            foreach (var node in set.Nodes)
            {
                if (!routeSetsByNode.TryGetValue(node, out var atNode)) routeSetsByNode[node] = atNode = new(ReferenceEqualityComparer.Instance);
                atNode.Add(set);
            }
        }
        set.Cargo.Add(cargoId);
        routes[cargoId] = set;
    }

    public void RemoveRoutes(Guid cargoId)
    {
        if (!routes.Remove(cargoId, out var set) || !set.Cargo.Remove(cargoId) || set.Cargo.Count > 0) return;
        // The last offer on these routes left: so does the set.
        routeSets.Remove(set);
        foreach (var node in set.Nodes)
            if (routeSetsByNode.TryGetValue(node, out var atNode) && atNode.Remove(set) && atNode.Count == 0)
                routeSetsByNode.Remove(node);
    }

    public void PutCapacity(CapacityOffer offer)
    {
        RemoveCapacity(offer.Id);
        if (offer.Containers <= 0) return;
        capacity[offer.Id] = offer;
        if (!lanes.TryGetValue(offer.Lane, out var onLane)) lanes[offer.Lane] = onLane = [];
        onLane[offer.Id] = offer;
    }

    public void RemoveCapacity(Guid id)
    {
        if (!capacity.Remove(id, out var old)) return;
        if (lanes.TryGetValue(old.Lane, out var onLane) && onLane.Remove(id) && onLane.Count == 0)
            lanes.Remove(old.Lane);
    }

    public IEnumerable<CapacityOffer> OnLane(Lane lane) =>
        lanes.TryGetValue(lane, out var onLane) ? onLane.Values : [];

    public void PutTrade(TradeOffer offer)
    {
        RemoveTrade(offer.Id);
        trade[offer.Id] = offer;
        if (!tradeByHeading.TryGetValue(offer.Heading, out var set)) tradeByHeading[offer.Heading] = set = [];
        set[offer.Id] = offer;
    }

    public void RemoveTrade(Guid id)
    {
        if (!trade.Remove(id, out var old)) return;
        if (tradeByHeading.TryGetValue(old.Heading, out var set) && set.Remove(id) && set.Count == 0)
            tradeByHeading.Remove(old.Heading);
    }

    /// <summary>Empties the cargo-capacity partition's part (cargo, routes, capacity) before it is loaded again.</summary>
    public void ClearCargoCapacity()
    {
        cargo.Clear();
        routes.Clear();
        routeSets.Clear();
        routeSetsByNode.Clear();
        capacity.Clear();
        lanes.Clear();
    }

    /// <summary>Empties the trade partition's part (trade offers, logistics table) before it is loaded again.</summary>
    public void ClearTrade()
    {
        trade.Clear();
        tradeByHeading.Clear();
        logistics = [];
    }

    public void SetLogistics(IEnumerable<LogisticsQuote> quotes) =>
        logistics = quotes.GroupBy(q => (q.From, q.To)).ToDictionary(g => g.Key, g => g.First());

    public LogisticsQuote? Logistics(string from, string to) => logistics.GetValueOrDefault((from, to));

    /// <summary>The best chains for a cargo offer over the given routes (a cargo offer that just arrived or was re-routed).</summary>
    public IReadOnlyList<CargoMatch> MatchCargo(CargoOffer offer, IReadOnlyList<CargoRoute> options, MatchingRules rules, int take) =>
        CapacityChains.Best(offer, options, OnLane, rules, take);

    /// <summary>
    /// For a capacity offer that just arrived: the open cargo offers whose routes pass its lane's start (node index),
    /// each with its best chains that use the new offer.
    /// </summary>
    public IReadOnlyList<CargoMatch> MatchCapacity(CapacityOffer offer, MatchingRules rules, int takePerCargo)
    {
        if (!routeSetsByNode.TryGetValue(offer.From, out var sets)) return [];
        IEnumerable<CapacityOffer> WithNew(Lane lane) =>
            lane == offer.Lane && !capacity.ContainsKey(offer.Id) ? OnLane(lane).Append(offer) : OnLane(lane);
        var found = new List<CargoMatch>();
        foreach (var set in sets)
        {
            // The routes the offer can serve are the same for every cargo offer of the set: walked once, and only when
            // one of them might be carried.
            List<CargoRoute>? touching = null;
            foreach (var cargoId in set.Cargo)
            {
                if (!cargo.TryGetValue(cargoId, out var shipment) || !MightCarry(offer, shipment, rules)) continue;
                touching ??= set.Routes
                    .Where(r => r.Legs.Select((l, i) => (l, i)).Any(x => x.l.From == offer.From && LaneFit.CoveredUpTo(r.Legs, x.i, offer) >= 0))
                    .ToList();
                if (touching.Count == 0) break;
                found.AddRange(CapacityChains.Best(shipment, touching, WithNew, rules, takePerCargo, offer.Id));
            }
        }
        return found;
    }

    /// <summary>
    /// What every chain through the offer needs, checked before any route is walked: room and container type, and a
    /// departure window that meets the cargo's days (it reaches the lane on or after its ready date and must still be
    /// on its way by its deliver-by date). Most of a busy node's open cargo fails this at once.
    /// </summary>
    private static bool MightCarry(CapacityOffer offer, CargoOffer shipment, MatchingRules rules) =>
        offer.Containers >= shipment.Containers && ContainerTypes.Fits(shipment.ContainerType, offer.ContainerType) &&
        offer.DepartureTo >= shipment.ReadyDate && offer.DepartureFrom <= shipment.DeliverBy.AddDays(rules.DepartureSlackDays);

    /// <summary>For a trade offer that just arrived: the best opposite offers under the same HS heading.</summary>
    public IReadOnlyList<TradeMatch> MatchTrade(TradeOffer offer, int take,
        Func<string, string, LogisticsQuote?>? withLogistics = null)
    {
        if (!tradeByHeading.TryGetValue(offer.Heading, out var sameHeading)) return [];
        return sameHeading.Values
            .Where(o => o.Id != offer.Id && o.IsSell != offer.IsSell)
            .Select(o => TradePairing.Pair(offer, o, withLogistics ?? Logistics))
            .OfType<TradeMatch>()
            .OrderByDescending(m => m.Score)
            .Take(take)
            .ToList();
    }

    /// <summary>After the logistics table changed: every open buyer against the sellers of its heading.</summary>
    public IReadOnlyList<TradeMatch> MatchAllTrade(int takePerBuyer, IReadOnlyList<LogisticsQuote> table)
    {
        var quotes = table.GroupBy(q => (q.From, q.To)).ToDictionary(g => g.Key, g => g.First());
        return trade.Values.Where(t => !t.IsSell)
            .SelectMany(b => MatchTrade(b, takePerBuyer, (from, to) => quotes.GetValueOrDefault((from, to))))
            .ToList();
    }
}

/// <summary>
/// The routes of one or more open cargo offers. Offers between the same places on the same network mostly get the same
/// routes, so the index keeps one copy of each distinct set, with the offers that hold it, and finds the sets through
/// their nodes: a cargo offer costs the index an entry in its set instead of copies of its routes and an entry at
/// every node they pass. Equal by value (route ids and legs), so that a set that arrives again finds its copy.
/// </summary>
internal sealed class RouteSet(CargoRoute[] routes) : IEquatable<RouteSet>
{
    private readonly int hash = routes.Aggregate(routes.Length, (h, r) => HashCode.Combine(h, r.RouteId, r.Legs.Count));

    public CargoRoute[] Routes { get; } = routes;
    public string[] Nodes { get; } = [.. routes.SelectMany(r => r.Nodes).Distinct()];
    public HashSet<Guid> Cargo { get; } = [];

    public bool Equals(RouteSet? other) =>
        other is not null && (ReferenceEquals(this, other) || (hash == other.hash && Routes.Length == other.Routes.Length
            && Routes.Zip(other.Routes).All(p => p.First.RouteId == p.Second.RouteId && p.First.Legs.SequenceEqual(p.Second.Legs))));

    public override bool Equals(object? obj) => Equals(obj as RouteSet);
    public override int GetHashCode() => hash;
}
