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
    private readonly Dictionary<Guid, IReadOnlyList<CargoRoute>> routes = [];
    private readonly Dictionary<string, HashSet<Guid>> cargoByNode = [];
    private readonly Dictionary<Guid, CapacityOffer> capacity = [];
    private readonly Dictionary<Lane, Dictionary<Guid, CapacityOffer>> lanes = [];
    private readonly Dictionary<Guid, TradeOffer> trade = [];
    private readonly Dictionary<string, Dictionary<Guid, TradeOffer>> tradeByHeading = [];
    private Dictionary<(string From, string To), LogisticsQuote> logistics = [];

    public int CapacityCount => capacity.Count;

    public CargoOffer? Cargo(Guid id) => cargo.GetValueOrDefault(id);
    public IReadOnlyList<CargoRoute> RoutesOf(Guid cargoId) => routes.GetValueOrDefault(cargoId) ?? [];
    public CapacityOffer? Capacity(Guid id) => capacity.GetValueOrDefault(id);
    public TradeOffer? Trade(Guid id) => trade.GetValueOrDefault(id);

    public void PutCargo(CargoOffer offer) => cargo[offer.Id] = offer with
    {
        OwnerOrg = Shared(sharedText, offer.OwnerOrg), Origin = Shared(sharedText, offer.Origin),
        Destination = Shared(sharedText, offer.Destination), ContainerType = Shared(sharedText, offer.ContainerType),
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
        options = [.. options.Select(r => new CargoRoute(Shared(sharedRouteIds, r.RouteId), [.. r.Legs.Select(l => Shared(sharedLegs, l))]))];
        routes[cargoId] = options;
        foreach (var node in options.SelectMany(r => r.Nodes).Distinct())
        {
            if (!cargoByNode.TryGetValue(node, out var set)) cargoByNode[node] = set = [];
            set.Add(cargoId);
        }
    }

    public void RemoveRoutes(Guid cargoId)
    {
        if (!routes.Remove(cargoId, out var old)) return;
        foreach (var node in old.SelectMany(r => r.Nodes).Distinct())
            if (cargoByNode.TryGetValue(node, out var set) && set.Remove(cargoId) && set.Count == 0)
                cargoByNode.Remove(node);
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
        cargoByNode.Clear();
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
        if (!cargoByNode.TryGetValue(offer.From, out var candidates)) return [];
        IEnumerable<CapacityOffer> WithNew(Lane lane) =>
            lane == offer.Lane && !capacity.ContainsKey(offer.Id) ? OnLane(lane).Append(offer) : OnLane(lane);
        var found = new List<CargoMatch>();
        foreach (var cargoId in candidates)
        {
            if (!cargo.TryGetValue(cargoId, out var shipment) || !MightCarry(offer, shipment, rules)) continue;
            var touching = routes[cargoId]
                .Where(r => r.Legs.Select((l, i) => (l, i)).Any(x => x.l.From == offer.From && LaneFit.CoveredUpTo(r.Legs, x.i, offer) >= 0))
                .ToList();
            if (touching.Count == 0) continue;
            found.AddRange(CapacityChains.Best(shipment, touching, WithNew, rules, takePerCargo, offer.Id));
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
