using BenchmarkDotNet.Attributes;
using TradeHub.Matching.CargoMatching;
using TradeHub.Matching.Offers;

namespace TradeHub.Benchmarks;

/// <summary>
/// The other direction: one new capacity offer matched against 20,000 open cargo offers (three routes each) and
/// 100,000 open capacity offers, through the node index, and by scanning every cargo offer's routes.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class CapacityArrivalBenchmarks
{
    private static readonly DateOnly Ready = new(2026, 3, 1);
    private readonly MatchingRules rules = new();
    private OfferIndex index = null!;
    private List<(CargoOffer Cargo, IReadOnlyList<CargoRoute> Routes)> cargo = null!;
    private CapacityOffer arriving = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        index = new OfferIndex();
        cargo = [];
        string Node() => $"N{random.Next(0, 1000):000}";
        CargoRoute Route(string id, string origin, string destination)
        {
            var nodes = new List<string> { origin };
            for (var i = random.Next(1, 4); i > 0; i--) nodes.Add(Node());
            nodes.Add(destination);
            return new CargoRoute(id, nodes.Zip(nodes.Skip(1), (a, b) => new Leg(a, b, "rail", random.Next(10, 60), 500, false, false)).ToList());
        }
        for (var i = 0; i < 20_000; i++)
        {
            var offer = new CargoOffer(Guid.NewGuid(), $"shipper-{i % 700}", Node(), Node(), Ready.AddDays(random.Next(0, 20)),
                Ready.AddDays(40), random.Next(1, 4), "40GP", 20_000m, "520812", null, null);
            IReadOnlyList<CargoRoute> routes = [Route("a", offer.Origin, offer.Destination), Route("b", offer.Origin, offer.Destination),
                Route("c", offer.Origin, offer.Destination)];
            index.PutCargo(offer);
            index.PutRoutes(offer.Id, routes);
            cargo.Add((offer, routes));
        }
        for (var i = 0; i < 100_000; i++)
        {
            var from = Node();
            var to = Node();
            index.PutCapacity(new CapacityOffer(Guid.NewGuid(), $"carrier-{i % 500}", from, to, "rail", Ready.AddDays(random.Next(0, 30)),
                Ready.AddDays(random.Next(30, 40)), 20, "40HC", 1000, "USD", random.Next(1, 5)));
        }
        // A lane that some cargo routes take end to end: a first leg of one of the routes.
        var target = cargo[123].Routes[0];
        arriving = new CapacityOffer(Guid.NewGuid(), "new-carrier", target.Origin, target.Destination, "rail", Ready, Ready.AddDays(40),
            20, "40HC", 900, "USD", 3);
        if (NodeIndex().Count == 0 || NodeIndex().Count != FullScan().Count)
            throw new InvalidOperationException("The node index and the scan disagree.");
    }

    [Benchmark(Description = "node index")]
    public IReadOnlyList<CargoMatch> NodeIndex() => index.MatchCapacity(arriving, rules, 3);

    [Benchmark(Baseline = true, Description = "scan all cargo")]
    public IReadOnlyList<CargoMatch> FullScan()
    {
        var found = new List<CargoMatch>();
        IEnumerable<CapacityOffer> WithNew(Lane lane) => lane == arriving.Lane ? index.OnLane(lane).Append(arriving) : index.OnLane(lane);
        foreach (var (offer, routes) in cargo)
        {
            var touching = routes.Where(r => r.Legs.Select((l, i) => (l, i))
                .Any(x => x.l.From == arriving.From && LaneFit.CoveredUpTo(r.Legs, x.i, arriving) >= 0)).ToList();
            if (touching.Count > 0) found.AddRange(CapacityChains.Best(offer, touching, WithNew, rules, 3, arriving.Id));
        }
        return found;
    }
}
