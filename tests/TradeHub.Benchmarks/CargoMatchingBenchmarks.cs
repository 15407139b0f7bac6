using BenchmarkDotNet.Attributes;
using TradeHub.Matching.CargoMatching;
using TradeHub.Matching.Offers;

namespace TradeHub.Benchmarks;

/// <summary>
/// One new cargo offer (three candidate routes, one of them needing a two-carrier chain across a crossing) matched
/// against 100,000 open capacity offers: through the lane index, and by a naive full scan of every offer.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class CargoMatchingBenchmarks
{
    private static readonly DateOnly Ready = new(2026, 3, 1);
    private readonly MatchingRules rules = new();
    private OfferIndex index = null!;
    private List<CapacityOffer> all = null!;
    private CargoOffer cargo = null!;
    private IReadOnlyList<CargoRoute> routes = null!;

    [Params(100_000)]
    public int OpenCapacityOffers { get; set; }

    private static Leg L(string from, string to, string mode, double hours, bool crossing = false) =>
        new(from, to, mode, hours, hours * 30, crossing, crossing);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        cargo = new CargoOffer(Guid.NewGuid(), "shipper", "N000", "N005", Ready, Ready.AddDays(25), 2, "40GP", 30_000m,
            "520812", 6000m, "USD");
        routes =
        [
            new CargoRoute("a", [L("N000", "N001", "rail", 48), L("N001", "N002", "rail", 60), L("N002", "N003", "rail", 6, true),
                L("N003", "N004", "rail", 24), L("N004", "N005", "rail", 30)]),
            new CargoRoute("b", [L("N000", "N006", "road", 30), L("N006", "N007", "road", 4, true), L("N007", "N008", "road", 40),
                L("N008", "N005", "rail", 50)]),
            new CargoRoute("c", [L("N000", "N009", "sea", 200), L("N009", "N005", "rail", 60)]),
        ];
        var modes = new[] { "rail", "road", "sea", "ferry" };
        CapacityOffer Offer(string from, string to, string mode, int opens, int transit) =>
            new(Guid.NewGuid(), $"carrier-{random.Next(500)}", from, to, mode, Ready.AddDays(opens), Ready.AddDays(opens + random.Next(1, 6)),
                random.Next(1, 20), random.Next(3) == 0 ? "40GP" : "40HC", 800 + random.Next(1500), "USD", transit);

        all = [];
        // Offers on the routes' lanes, with windows early and late, so the chain search has real choices.
        (string From, string To, string Mode, int Opens, int Transit)[] onRoute =
        [
            ("N000", "N002", "rail", 0, 5), ("N003", "N005", "rail", 5, 3), ("N000", "N001", "rail", 0, 2),
            ("N001", "N002", "rail", 2, 3), ("N003", "N004", "rail", 5, 1), ("N004", "N005", "rail", 6, 2),
            ("N000", "N006", "road", 0, 2), ("N007", "N008", "road", 2, 2), ("N008", "N005", "rail", 4, 3),
            ("N000", "N009", "sea", 0, 9), ("N009", "N005", "rail", 9, 3), ("N000", "N005", "rail", 0, 9),
        ];
        foreach (var lane in onRoute)
            for (var i = 0; i < 10; i++)
                all.Add(Offer(lane.From, lane.To, lane.Mode, lane.Opens + random.Next(-1, 6), lane.Transit));
        // The rest of the market: lanes between 1,000 other nodes.
        while (all.Count < OpenCapacityOffers)
        {
            var from = random.Next(10, 1010);
            var to = random.Next(10, 1010);
            if (from == to) continue;
            all.Add(Offer($"N{from:000}", $"N{to:000}", modes[random.Next(modes.Length)], random.Next(0, 30), random.Next(1, 12)));
        }
        index = new OfferIndex();
        foreach (var offer in all) index.PutCapacity(offer);

        var indexed = string.Join(";", Indexed().Select(m => string.Join(",", m.Chain.OfferIds)));
        var scanned = string.Join(";", FullScan().Select(m => string.Join(",", m.Chain.OfferIds)));
        if (indexed != scanned || indexed.Length == 0)
            throw new InvalidOperationException($"The index and the scan disagree: {indexed} vs {scanned}");
    }

    [Benchmark(Description = "lane index")]
    public IReadOnlyList<CargoMatch> Indexed() => index.MatchCargo(cargo, routes, rules, 3);

    /// <summary>What matching costs without the index: every open offer is checked against every route.</summary>
    [Benchmark(Baseline = true, Description = "full scan")]
    public IReadOnlyList<CargoMatch> FullScan()
    {
        var lanes = new Dictionary<Lane, List<CapacityOffer>>();
        foreach (var offer in all)
        {
            var touches = false;
            foreach (var route in routes)
                for (var i = 0; i < route.Legs.Count && !touches; i++)
                    touches = route.Legs[i].From == offer.From && route.Legs.Skip(i).TakeWhile(l => l.Mode == offer.Mode).Any(l => l.To == offer.To);
            if (!touches) continue;
            if (!lanes.TryGetValue(offer.Lane, out var list)) lanes[offer.Lane] = list = [];
            list.Add(offer);
        }
        return CapacityChains.Best(cargo, routes, lane => lanes.TryGetValue(lane, out var list) ? list : [], rules, 3);
    }
}
