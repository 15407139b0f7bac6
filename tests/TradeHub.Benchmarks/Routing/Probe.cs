using System.Diagnostics;
using TradeHub.Routing.Routes;

namespace TradeHub.Benchmarks.Routing;

/// <summary>
/// `routes-probe [pairs] [epsilon]`: one pass over a few regional and long-haul pairs without a time budget (for
/// tuning), with the long-haul epsilon measured against the reference sets when they exist.
/// </summary>
public static class Probe
{
    public static void Run(int pairs, double epsilon)
    {
        var w = new RoutingWorkload(pairs);
        var pareto = new ParetoSearch();
        var dijkstra = new ShortestPath();
        var reference = Reference.Load(Reference.FileFor(QuickRun.ReferenceEpsilon));
        foreach (var (name, set) in new[] { ("regional", w.Regional), ("long-haul", w.LongHaul) })
            foreach (var (s, t) in set)
            {
                var sw = Stopwatch.StartNew();
                dijkstra.Path(w.Graph, s, t, Criterion.Hours, RouteFilter.None, out _);
                var dj = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                var options = name == "regional" ? SearchOptions.Default with { Budget = null }
                    : SearchOptions.Default with { Budget = null, ForceEpsilon = epsilon };
                var r = pareto.Search(w.Graph, s, t, RouteFilter.None, options);
                var measured = reference.TryGetValue((s, t), out var exact) ? $", measured eps vs 0.5% reference {QuickRun.MeasuredEpsilon(r.Paths, exact):P2}" : "";
                Console.WriteLine($"{name} {s}->{t}: dijkstra {dj:F2} ms, pareto {sw.Elapsed.TotalMilliseconds:F1} ms, labels {r.Labels}, routes {r.Paths.Count}, exact {r.Exact}, eps {r.Epsilon:P2}{measured}");
            }
    }
}
