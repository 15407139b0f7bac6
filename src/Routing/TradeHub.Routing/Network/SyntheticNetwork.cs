namespace TradeHub.Routing.Network;

/// <summary>
/// Seeded random networks for benchmarks and property tests: nodes on a plane, each linked to its nearest
/// neighbours by rail, road or sea links whose hours, cost and CO2 follow from distance and mode with noise.
/// </summary>
public static class SyntheticNetwork
{
    public sealed record Plane(NetworkGraph Graph, double[] X, double[] Y);

    /// <summary>
    /// nodes on a widthKm x heightKm plane; about <paramref name="undirectedLegs"/> links (two arcs each), taken from
    /// every node's <paramref name="nearest"/> nearest neighbours, the two nearest always kept.
    /// </summary>
    public static Plane Generate(int nodes, int undirectedLegs, int seed, double widthKm = 5000, double heightKm = 3000, int nearest = 6)
    {
        var rng = new Random(seed);
        var x = new double[nodes];
        var y = new double[nodes];
        for (var i = 0; i < nodes; i++)
        {
            x[i] = rng.NextDouble() * widthKm;
            y[i] = rng.NextDouble() * heightKm;
        }
        // Grid buckets for the nearest-neighbour scan.
        var cell = Math.Sqrt(widthKm * heightKm / nodes) * 2;
        var cols = (int)Math.Ceiling(widthKm / cell) + 1;
        var rows = (int)Math.Ceiling(heightKm / cell) + 1;
        var buckets = new List<int>[cols * rows];
        for (var i = 0; i < buckets.Length; i++) buckets[i] = [];
        for (var i = 0; i < nodes; i++) buckets[(int)(y[i] / cell) * cols + (int)(x[i] / cell)].Add(i);

        var must = new HashSet<(int, int)>();
        var optional = new HashSet<(int, int)>();
        var candidates = new List<(double D, int J)>();
        for (var i = 0; i < nodes; i++)
        {
            candidates.Clear();
            var cx = (int)(x[i] / cell);
            var cy = (int)(y[i] / cell);
            for (var r = 1; candidates.Count < nearest + 1 && r < Math.Max(cols, rows); r++)
            {
                candidates.Clear();
                for (var gy = Math.Max(0, cy - r); gy <= Math.Min(rows - 1, cy + r); gy++)
                    for (var gx = Math.Max(0, cx - r); gx <= Math.Min(cols - 1, cx + r); gx++)
                        foreach (var j in buckets[gy * cols + gx])
                            if (j != i) candidates.Add((Distance(x, y, i, j), j));
            }
            candidates.Sort((a, b) => a.D.CompareTo(b.D));
            for (var k = 0; k < Math.Min(nearest, candidates.Count); k++)
            {
                var pair = i < candidates[k].J ? (i, candidates[k].J) : (candidates[k].J, i);
                if (k < 2) must.Add(pair); else optional.Add(pair);
            }
        }
        optional.ExceptWith(must);
        var extra = optional.OrderBy(p => p.Item1).ThenBy(p => p.Item2).ToList();
        for (var i = extra.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (extra[i], extra[j]) = (extra[j], extra[i]);
        }
        var chosen = must.OrderBy(p => p.Item1).ThenBy(p => p.Item2).ToList();
        chosen.AddRange(extra.Take(Math.Max(0, undirectedLegs - chosen.Count)));

        var legs = new List<(int, int, Arc, double)>(chosen.Count);
        foreach (var (a, b) in chosen)
        {
            var km = Distance(x, y, a, b) * 1.2;
            var roll = rng.NextDouble();
            var mode = roll < 0.45 ? LegMode.Rail : roll < 0.9 ? LegMode.Road : LegMode.Sea;
            var (speed, usd, co2) = mode switch
            {
                LegMode.Rail => (35.0, 0.55, 0.30),
                LegMode.Road => (55.0, 1.60, 1.24),
                _ => (28.0, 0.20, 0.12),
            };
            // Terrain, gradients and congestion move a leg's hours, cost and CO2 together (one shared factor,
            // +-15%); each criterion also has its own small noise (+-4%): tariffs, loads and timetables differ.
            var shared = 0.85 + 0.3 * rng.NextDouble();
            legs.Add((a, b, new Arc
            {
                Leg = legs.Count,
                Mode = mode,
                Hours = km / speed * shared * Noise(rng),
                Usd = km * usd * shared * Noise(rng),
                Co2 = km * co2 * shared * Noise(rng),
            }, km));
        }
        var ids = Enumerable.Range(0, nodes).Select(i => $"N{i:D5}").ToArray();
        return new Plane(new NetworkGraph(ids, legs), x, y);
    }

    private static double Noise(Random rng) => 0.96 + 0.08 * rng.NextDouble();

    public static double Distance(double[] x, double[] y, int i, int j) =>
        Math.Sqrt((x[i] - x[j]) * (x[i] - x[j]) + (y[i] - y[j]) * (y[i] - y[j]));
}
