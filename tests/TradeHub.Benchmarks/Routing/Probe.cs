using System.Diagnostics;
using TradeHub.Routing.Routes;

namespace TradeHub.Benchmarks.Routing;

/// <summary>`routes-probe`: one pass over a few long-haul and regional pairs without a time budget (for tuning).</summary>
public static class Probe
{
    public static void Run(int pairs, double epsilon)
    {
        var w = new RoutingWorkload(pairs);
        var pareto = new ParetoSearch();
        var dijkstra = new ShortestPath();
        foreach (var (name, set) in new[] { ("regional", w.Regional), ("long-haul", w.LongHaul) })
            foreach (var (s, t) in set)
            {
                var sw = Stopwatch.StartNew();
                dijkstra.Path(w.Graph, s, t, Criterion.Hours, RouteFilter.None, out _);
                var dj = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                var r = pareto.Search(w.Graph, s, t, RouteFilter.None, SearchOptions.Default with { Budget = null, ForceEpsilon = name == "regional" ? null : epsilon });
                Console.WriteLine($"{name} {s}->{t}: dijkstra {dj:F2} ms, pareto {sw.Elapsed.TotalMilliseconds:F1} ms, labels {r.Labels}, routes {r.Paths.Count}, exact {r.Exact}, eps {r.Epsilon}");
            }
    }
}
