using System.Diagnostics;
using System.Globalization;
using TradeHub.Tenders.Award;

namespace TradeHub.Benchmarks.Tenders;

/// <summary>
/// `tenders LANES CARRIERS PACKAGES [INSTANCES] [SECONDS] [WORKERS]`: generated tenders on the corridor network (fixed
/// seeds 1..INSTANCES), each solved by the award model; prints per instance whether it was proven optimal, the gap,
/// the time, and the award's cost beside the greedy award's and the lane-by-lane cost.
/// </summary>
public static class TenderBench
{
    public static void Run(int lanes, int carriers, int packages, int instances, double seconds, int workers)
    {
        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine($"tenders: {lanes} lanes x {carriers} carriers x {packages} package bids, {instances} instances, limit {seconds} s, {workers} workers");
        Console.WriteLine("seed  optimal  gap%    seconds  award         greedy        lane-by-lane  vs-greedy%  vs-lane%");
        var times = new List<double>();
        var gaps = new List<double>();
        for (var seed = 1; seed <= instances; seed++)
        {
            var problem = Generate(lanes, carriers, packages, seed);
            var clock = Stopwatch.StartNew();
            var award = AwardModel.Solve(problem, new AwardSettings { TimeLimit = TimeSpan.FromSeconds(seconds), Workers = workers });
            clock.Stop();
            var greedy = AwardModel.Greedy(problem);
            var laneByLane = AwardModel.LaneByLaneCost(problem) ?? 0;
            times.Add(clock.Elapsed.TotalSeconds);
            gaps.Add(award.Gap);
            // Greedy may leave lanes uncovered (its cost is then not comparable); say so.
            var greedyText = greedy.Uncovered.Count == 0 ? greedy.TotalCost.ToString("F0", ci) : $"{greedy.TotalCost:F0}({greedy.Uncovered.Count}u)";
            Console.WriteLine(string.Format(ci, "{0,4}  {1,-7}  {2,6:F3}  {3,7:F2}  {4,12:F0}  {5,12}  {6,12:F0}  {7,9:F2}  {8,8:F2}{9}",
                seed, award.Optimal, award.Gap * 100, clock.Elapsed.TotalSeconds, award.TotalCost, greedyText, laneByLane,
                greedy.Uncovered.Count == 0 ? (double)((greedy.TotalCost - award.TotalCost) / greedy.TotalCost) * 100 : double.NaN,
                laneByLane > 0 ? (double)((laneByLane - award.TotalCost) / laneByLane) * 100 : double.NaN,
                award.Uncovered.Count > 0 ? $"  uncovered {award.Uncovered.Count}" : ""));
        }
        times.Sort();
        var median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[times.Count / 2 - 1] + times[times.Count / 2]) / 2;
        Console.WriteLine(string.Format(ci, "median {0:F2} s, max {1:F2} s, max gap {2:F3} %", median, times[^1], gaps.Max() * 100));
    }

    /// <summary>
    /// Lanes from the hubs of the corridor network to its other nodes; a carrier's price per container grows with the
    /// distance and its own cost level. Every lane gets single-lane bids from several carriers (so a lane-by-lane award
    /// exists); the rest are bundles of 2..6 lanes near each other (same origin, or destinations close together) at a
    /// 4-20 % discount, some of them in exclusive pairs, and a third of the carriers cap their containers.
    /// </summary>
    public static AwardProblem Generate(int laneCount, int carrierCount, int packageCount, int seed)
    {
        var random = new Random(seed);
        var nodes = Nodes();
        var hubs = nodes.Where(n => n.Id is "CNTSN" or "CNXIY" or "CNCKG" or "CNZZU" or "CNURC" or "KZALA" or "RUMOW" or "BYMSQ").ToList();
        if (hubs.Count == 0) hubs = nodes.Take(4).ToList();
        var lanes = new List<(AwardLane Lane, Node From, Node To)>();
        var used = new HashSet<string>();
        while (lanes.Count < laneCount)
        {
            var from = hubs[random.Next(hubs.Count)];
            var to = nodes[random.Next(nodes.Count)];
            if (to.Id == from.Id || !used.Add(from.Id + to.Id)) continue;
            lanes.Add((new AwardLane($"L{lanes.Count:000}-{from.Id}-{to.Id}", random.Next(1, 11)), from, to));
        }
        var level = Enumerable.Range(0, carrierCount).Select(_ => 0.85 + random.NextDouble() * 0.35).ToArray();
        decimal Price(int carrier, int lane) =>
            Math.Round((decimal)((300 + Km(lanes[lane].From, lanes[lane].To) * 0.9) * level[carrier] * (0.9 + random.NextDouble() * 0.2)), 0);

        var bids = Enumerable.Range(0, carrierCount).Select(_ => new List<AwardPackage>()).ToArray();
        var exclusive = Enumerable.Range(0, carrierCount).Select(_ => new List<IReadOnlyList<string>>()).ToArray();
        var count = 0;
        // Single-lane bids: three carriers per lane.
        for (var l = 0; l < laneCount && count < packageCount; l++)
            foreach (var c in Enumerable.Range(0, carrierCount).OrderBy(_ => random.Next()).Take(3))
            {
                if (count == packageCount) break;
                bids[c].Add(new AwardPackage($"s{l}", [new AwardPackageLane(lanes[l].Lane.Ref, Price(c, l))]));
                count++;
            }
        // Bundles of nearby lanes.
        while (count < packageCount)
        {
            var c = random.Next(carrierCount);
            var seedLane = random.Next(laneCount);
            var size = random.Next(2, 7);
            var members = Enumerable.Range(0, laneCount)
                .OrderBy(l => lanes[l].From.Id == lanes[seedLane].From.Id ? 0 : 1)
                .ThenBy(l => Km(lanes[l].To, lanes[seedLane].To) + random.NextDouble() * 400)
                .Take(size).ToList();
            var discount = 0.80 + random.NextDouble() * 0.16;
            var reference = $"b{count}";
            bids[c].Add(new AwardPackage(reference, members
                .Select(l => new AwardPackageLane(lanes[l].Lane.Ref, Math.Round(Price(c, l) * (decimal)discount, 0))).ToList()));
            count++;
            // Every fifth bundle is an alternative to the carrier's previous one.
            if (count % 5 == 0 && bids[c].Count >= 2 && bids[c][^2].Ref.StartsWith('b')
                && exclusive[c].All(g => !g.Contains(bids[c][^2].Ref)))
                exclusive[c].Add([bids[c][^2].Ref, reference]);
        }
        var total = lanes.Sum(l => l.Lane.Containers);
        var problem = new AwardProblem(lanes.Select(l => l.Lane).ToList(),
            Enumerable.Range(0, carrierCount).Where(c => bids[c].Count > 0)
                .Select(c => new AwardBid($"carrier-{c:00}", bids[c], exclusive[c], c % 3 == 0 ? Math.Max(10, total / 4) : null))
                .ToList(), null);
        return problem;
    }

    private sealed record Node(string Id, double Lat, double Lon);

    private static List<Node> Nodes()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "corridors", "nodes.csv");
        return File.ReadLines(path).Skip(1).Select(line => line.Split(','))
            .Where(f => f.Length > 5 && double.TryParse(f[4], CultureInfo.InvariantCulture, out _))
            .Select(f => new Node(f[0], double.Parse(f[4], CultureInfo.InvariantCulture), double.Parse(f[5], CultureInfo.InvariantCulture)))
            .ToList();
    }

    private static double Km(Node a, Node b)
    {
        const double r = 6371;
        var dLat = (b.Lat - a.Lat) * Math.PI / 180;
        var dLon = (b.Lon - a.Lon) * Math.PI / 180;
        var h = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) +
                Math.Cos(a.Lat * Math.PI / 180) * Math.Cos(b.Lat * Math.PI / 180) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * r * Math.Asin(Math.Sqrt(h));
    }
}
