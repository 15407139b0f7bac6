using System.Diagnostics;
using System.Globalization;
using TradeHub.Routing.Routes;

namespace TradeHub.Benchmarks.Routing;

/// <summary>
/// `routes-reference [pairs] [epsilon]`: the reference Pareto sets the measured (true) epsilon of long-haul answers is
/// computed against. Unbudgeted, so slow; written once to a file next to the benchmark binaries and read by
/// `routes-quick`. With epsilon 0 the sets are exact; with a small epsilon e every exact route is within (1 + e) of a
/// reference route, so an answer that covers the reference within x covers the exact set within (1 + x)(1 + e) - 1.
/// </summary>
public static class Reference
{
    public static string FileFor(double epsilon) =>
        Path.Combine(AppContext.BaseDirectory, $"routing-reference-longhaul-eps{epsilon.ToString("0.####", CultureInfo.InvariantCulture)}.txt");

    public static void Run(int pairs, double epsilon, int maxLabels)
    {
        var w = new RoutingWorkload(pairs);
        var search = new ParetoSearch();
        var file = FileFor(epsilon);
        var done = Load(file);
        foreach (var (s, t) in w.LongHaul)
        {
            if (done.ContainsKey((s, t))) continue;
            var sw = Stopwatch.StartNew();
            var r = search.Search(w.Graph, s, t, RouteFilter.None,
                SearchOptions.Exact with { ForceEpsilon = epsilon, MaxLabels = maxLabels });
            Console.WriteLine($"{s}->{t}: {sw.Elapsed.TotalSeconds:F1} s, labels {r.Labels:N0}, routes {r.Paths.Count}, complete {!(r.Epsilon > epsilon)}");
            if (r.Epsilon > epsilon) continue; // stopped by the label cap: not a reference
            var lines = new List<string> { $"pair {s} {t} {r.Paths.Count}" };
            lines.AddRange(r.Paths.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Hours:R} {p.Usd:R} {p.Co2:R}")));
            File.AppendAllLines(file, lines);
        }
    }

    public static Dictionary<(int S, int T), List<(double H, double C, double E)>> Load(string file)
    {
        var sets = new Dictionary<(int, int), List<(double, double, double)>>();
        if (!File.Exists(file)) return sets;
        List<(double, double, double)>? current = null;
        foreach (var line in File.ReadLines(file))
        {
            var parts = line.Split(' ');
            if (parts[0] == "pair")
            {
                current = [];
                sets[(int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture))] = current;
                continue;
            }
            current!.Add((double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture),
                double.Parse(parts[2], CultureInfo.InvariantCulture)));
        }
        return sets;
    }
}
