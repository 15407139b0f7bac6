using System.Globalization;

namespace TradeHub.Hosting.Corridors;

/// <summary>
/// The fastest transit between two nodes over the embedded samples/corridors/edges.csv (legs usable both ways, transit
/// plus border dwell hours), for services that need a plausible time for a lane without asking Routing: the capacity a
/// tender's award creates (Listings) and a pool's train (Pools).
/// </summary>
public sealed class CorridorTransit
{
    private readonly Dictionary<string, List<(string To, string Mode, double Hours)>> _legs = new(StringComparer.Ordinal);

    public CorridorTransit(IEnumerable<(string From, string To, string Mode, double Hours)> legs)
    {
        foreach (var (from, to, mode, hours) in legs)
        {
            Add(from, (to, mode, hours));
            Add(to, (from, mode, hours));
        }
    }

    private void Add(string node, (string, string, double) leg)
    {
        if (!_legs.TryGetValue(node, out var list)) _legs[node] = list = [];
        list.Add(leg);
    }

    /// <summary>
    /// Hours of the fastest path in <paramref name="mode"/>, or over any mode when that mode alone does not connect the
    /// two (or no mode is given); null when the network does not connect them at all.
    /// </summary>
    public double? Hours(string from, string to, string? mode) =>
        (mode is null ? null : Fastest(from, to, mode)) ?? Fastest(from, to, null);

    private double? Fastest(string from, string to, string? mode)
    {
        var best = new Dictionary<string, double>(StringComparer.Ordinal) { [from] = 0 };
        var queue = new PriorityQueue<string, double>();
        queue.Enqueue(from, 0);
        while (queue.TryDequeue(out var node, out var hours))
        {
            if (node == to) return hours;
            if (hours > best[node]) continue;
            foreach (var (next, legMode, legHours) in _legs.GetValueOrDefault(node) ?? [])
            {
                if (mode is not null && legMode != mode) continue;
                var arrival = hours + legHours;
                if (best.TryGetValue(next, out var known) && known <= arrival) continue;
                best[next] = arrival;
                queue.Enqueue(next, arrival);
            }
        }
        return null;
    }

    /// <summary>Reads from, to, mode, transit_hours and border_dwell_hours of the embedded edges.csv.</summary>
    public static CorridorTransit FromEmbeddedCorridorData()
    {
        using var reader = CorridorData.Open("edges.csv");
        var legs = new List<(string, string, string, double)>();
        reader.ReadLine();
        // The first nine columns are never quoted; only the source text after them is.
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split(',', 10);
            if (f.Length < 9 || !double.TryParse(f[4], CultureInfo.InvariantCulture, out var transit)) continue;
            var dwell = double.TryParse(f[7], CultureInfo.InvariantCulture, out var d) ? d : 0;
            legs.Add((f[0], f[1], f[2], transit + dwell));
        }
        return new CorridorTransit(legs);
    }
}
