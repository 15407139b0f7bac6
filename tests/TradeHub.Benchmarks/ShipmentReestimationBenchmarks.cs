using BenchmarkDotNet.Attributes;
using TradeHub.Shipments.Common;
using TradeHub.Shipments.Disruptions;

namespace TradeHub.Benchmarks;

/// <summary>
/// Shipments' in-process work, without the database: re-estimating one shipment's legs after a tracking event
/// (Estimation.Estimate), and a closure reaching 10,000 shipments in transit: each one's route ahead searched for the
/// closed node at the time it would pass (Blockages.Find), and the blocked ones re-estimated with the wait.
/// No job here: run it in process (docs/performance.md, "Shipments").
/// </summary>
[MemoryDiagnoser]
public class ShipmentReestimationBenchmarks
{
    private static readonly DateTimeOffset Start = new(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Crossings = ["KZALT", "KZDOS", "KZZHK", "UZSRY"];
    private List<(List<Leg> Legs, string Position)> inTransit = null!;
    private List<Leg> one = null!;
    private readonly IReadOnlyList<CarrierEstimate> noEstimates = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(11);
        List<Leg> Shipment()
        {
            // Three legs of three to six nodes, one of them through a border crossing; departures spread over two weeks.
            var departure = Start.AddHours(random.Next(0, 14 * 24));
            var legs = new List<Leg>();
            for (var l = 0; l < 3; l++)
            {
                var nodes = Enumerable.Range(0, random.Next(3, 7)).Select(_ => $"N{random.Next(0, 400):000}").ToList();
                if (l == 1) nodes[random.Next(1, nodes.Count)] = Crossings[random.Next(Crossings.Length)];
                var hours = random.Next(20, 90);
                var arrival = departure.AddHours(hours);
                legs.Add(new Leg
                {
                    From = nodes[0], To = nodes[^1], Mode = "rail", Carrier = $"carrier-{l}", Nodes = nodes, Hours = hours,
                    PlannedDeparture = departure, PlannedArrival = arrival, EstimatedDeparture = departure, EstimatedArrival = arrival,
                    ActualDeparture = l == 0 ? departure.AddHours(random.Next(0, 10)) : null,
                });
                departure = arrival.AddHours(random.Next(0, 30));
            }
            return legs;
        }
        inTransit = Enumerable.Range(0, 10_000).Select(_ => Shipment()).Select(legs => (legs, legs[0].From)).ToList();
        one = inTransit[0].Legs;
    }

    [Benchmark]
    public List<Leg> ReestimateOneShipment() => Estimation.Estimate(one, noEstimates);

    /// <summary>KZALT closed for three days: the shipments that would pass it then wait, and are re-estimated.</summary>
    [Benchmark]
    public int ClosureReaches10000ShipmentsInTransit()
    {
        var blocked = 0;
        IReadOnlyCollection<string> closed = ["KZALT"];
        foreach (var (legs, position) in inTransit)
        {
            var blockage = Blockages.Find(legs, position, closed, [], new DateOnly(2027, 3, 5), new DateOnly(2027, 3, 7));
            if (blockage is null) continue;
            var waiting = legs.ToList();
            waiting[blockage.LegIndex] = waiting[blockage.LegIndex] with { DisruptionHours = blockage.WaitHours };
            Estimation.Estimate(waiting, noEstimates);
            blocked++;
        }
        return blocked;
    }
}
