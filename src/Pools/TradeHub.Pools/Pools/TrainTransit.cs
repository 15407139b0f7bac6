using System.Globalization;

namespace TradeHub.Pools.Pools;

/// <summary>
/// The block train's transit between its two nodes over the embedded samples/corridors/edges.csv: the fastest rail
/// path (transit plus border dwell hours, legs usable both ways), or over any mode where rail alone does not connect
/// them. A pool names its departure, not its arrival, so the members' shipments are planned on this; the estimate is
/// the corridor data's own (Pools does not ask Routing).
/// </summary>
public sealed class TrainTransit
{
    /// <summary>A lane the network does not connect gets a day: the shipment still has a plan the carrier's events correct.</summary>
    public const double UnconnectedHours = 24;

    private readonly Dictionary<string, List<(string To, string Mode, double Hours)>> _legs = new(StringComparer.Ordinal);

    public TrainTransit(IEnumerable<(string From, string To, string Mode, double Hours)> legs)
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

    /// <summary>Hours from <paramref name="from"/> to <paramref name="to"/>: by rail, else by any mode, else <see cref="UnconnectedHours"/>.</summary>
    public double Hours(string from, string to) => Fastest(from, to, "rail") ?? Fastest(from, to, null) ?? UnconnectedHours;

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
    public static TrainTransit FromEmbeddedCorridorData()
    {
        using var stream = typeof(TrainTransit).Assembly.GetManifestResourceStream("TradeHub.Pools.edges.csv")
            ?? throw new InvalidOperationException("edges.csv is not embedded");
        using var reader = new StreamReader(stream);
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
        return new TrainTransit(legs);
    }
}
