using System.Diagnostics;
using TradeHub.Routing.Routes;

namespace TradeHub.Benchmarks.Routing;

/// <summary>
/// `routes-quick`: medians and p95 per query without BenchmarkDotNet, plus the measured end-to-end epsilon of the
/// approximate long-haul answers against exact Pareto sets, for fast iteration.
/// </summary>
public static class QuickRun
{
    public static void Run(int pairs, int repeats, string sets = "corridor,regional,long-haul")
    {
        var total = Stopwatch.StartNew();
        var w = new RoutingWorkload(pairs);
        Console.WriteLine($"Synthetic network: {w.Graph.NodeCount:N0} nodes, {w.Graph.Arcs.Length:N0} directed legs; {pairs} regional (150-500 km) and {pairs} long-haul (>= 3,500 km east-west) pairs; seed {RoutingWorkload.Seed}.");
        Console.WriteLine($"Corridor network: {w.Corridor.Graph.NodeCount} nodes, {w.Corridor.Graph.Arcs.Length} directed legs; {w.CorridorPairs.Length} pairs.");
        var dijkstra = new ShortestPath();
        var pareto = new ParetoSearch();

        // Warm up the JIT (tiered compilation up to tier 1) on every code path.
        for (var i = 0; i < 30; i++)
        {
            foreach (var (s, t) in w.Regional.Take(3).Concat(w.LongHaul.Take(1)))
            {
                w.QuikGraphToTarget(s, t);
                dijkstra.Path(w.Graph, s, t, Criterion.Hours, RouteFilter.None, out _);
                pareto.Search(w.Graph, s, t, RouteFilter.None, SearchOptions.Default);
            }
            foreach (var (s, t) in w.CorridorPairs) pareto.Search(w.Corridor.Graph, s, t, RouteFilter.None, SearchOptions.Default);
        }

        if (sets.Contains("corridor", StringComparison.Ordinal))
        {
        var corridorPareto = Time(w.CorridorPairs, 2000, p => pareto.Search(w.Corridor.Graph, p.S, p.T, RouteFilter.None, SearchOptions.Default));
        var corridorDijkstra = Time(w.CorridorPairs, 2000, p => dijkstra.Path(w.Corridor.Graph, p.S, p.T, Criterion.Hours, RouteFilter.None, out _));
        Console.WriteLine();
        Console.WriteLine("| corridor (59 nodes) | median µs | p95 µs |");
        Console.WriteLine("|---|---:|---:|");
        Row("Pareto exact search", corridorPareto, 1e6);
        Row("own Dijkstra (hours)", corridorDijkstra, 1e6);
        Console.WriteLine($"Pareto / own Dijkstra (median): {Median(corridorPareto) / Median(corridorDijkstra):F1}x");
        }

        foreach (var (name, set) in new[] { ("regional", w.Regional), ("long-haul", w.LongHaul) })
        {
            if (!sets.Contains(name, StringComparison.Ordinal)) continue;
            var quikTarget = Time(set, repeats, p => w.QuikGraphToTarget(p.S, p.T));
            var quikFull = Time(set, repeats, p => w.QuikGraphFull(p.S, p.T));
            var own = Time(set, repeats, p => dijkstra.Path(w.Graph, p.S, p.T, Criterion.Hours, RouteFilter.None, out _));
            var results = new List<ParetoResult>();
            var search = Time(set, repeats, p => pareto.Search(w.Graph, p.S, p.T, RouteFilter.None, SearchOptions.Default), results);
            Console.WriteLine();
            Console.WriteLine($"| {name} (10k) | median ms | p95 ms | median ratio to QuikGraph (to target) | p95 ratio |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            Row("QuikGraph Dijkstra, stop at target", quikTarget, 1e3, quikTarget);
            Row("QuikGraph Dijkstra, full graph", quikFull, 1e3, quikTarget);
            Row("own lean Dijkstra (floor)", own, 1e3, quikTarget);
            Row("Pareto (auto exact/epsilon)", search, 1e3, quikTarget);
            Console.WriteLine($"Pareto vs QuikGraph full: median {Median(search) / Median(quikFull):F2}x, p95 {P95(search) / P95(quikFull):F2}x; vs own Dijkstra: median {Median(search) / Median(own):F1}x, p95 {P95(search) / P95(own):F1}x");
            var perPair = results.Take(set.Length).ToList();
            Console.WriteLine($"exact answers: {perPair.Count(r => r.Exact)}/{perPair.Count}; routes per answer median {Median(perPair.Select(r => (double)r.Paths.Count).ToList()):F0}, max {perPair.Max(r => r.Paths.Count)}; labels median {Median(perPair.Select(r => (double)r.Labels).ToList()):F0}, max {perPair.Max(r => r.Labels)}; epsilon reported max {perPair.Max(r => r.Epsilon):F4}");
            if (perPair.Any(r => !r.Exact)) MeasureTrueEpsilon(w, set, perPair);
        }
        Console.WriteLine();
        Console.WriteLine($"(quick run took {total.Elapsed.TotalSeconds:F0} s)");
    }

    private static void MeasureTrueEpsilon(RoutingWorkload w, (int S, int T)[] set, List<ParetoResult> approx)
    {
        var exactSearch = new ParetoSearch();
        var eps = new List<double>();
        var exactTimes = new List<double>();
        var exactSizes = new List<double>();
        for (var i = 0; i < set.Length; i++)
        {
            var sw = Stopwatch.StartNew();
            var exact = exactSearch.Search(w.Graph, set[i].S, set[i].T, RouteFilter.None,
                SearchOptions.Exact with { MaxLabels = 30_000_000, Budget = TimeSpan.FromSeconds(60) });
            exactTimes.Add(sw.Elapsed.TotalMilliseconds);
            if (!exact.Exact) continue;
            exactSizes.Add(exact.Paths.Count);
            var worst = 0.0;
            foreach (var e in exact.Paths)
            {
                var best = approx[i].Paths.Min(a => Math.Max(a.Hours / e.Hours, Math.Max(a.Usd / e.Usd, a.Co2 / e.Co2)));
                worst = Math.Max(worst, best - 1);
            }
            eps.Add(worst);
        }
        Console.WriteLine($"true end-to-end epsilon vs exact Pareto sets ({eps.Count}/{set.Length} pairs solved exactly): median {Median(eps):P2}, max {eps.Max():P2}; exact sets median {Median(exactSizes):F0} routes (max {exactSizes.Max():F0}), exact search median {Median(exactTimes):F0} ms, p95 {P95(exactTimes):F0} ms");
    }

    /// <summary>The least eps such that every reference route is within (1 + eps) of an answer route on each criterion.</summary>
    public static double MeasuredEpsilon(IReadOnlyList<ParetoPath> answer, IEnumerable<(double H, double C, double E)> reference)
    {
        var worst = 0.0;
        foreach (var e in reference)
        {
            var best = answer.Min(a => Math.Max(a.Hours / e.H, Math.Max(a.Usd / e.C, a.Co2 / e.E)));
            worst = Math.Max(worst, best - 1);
        }
        return worst;
    }

    private static List<double> Time((int S, int T)[] set, int repeats, Func<(int S, int T), object?> query, List<ParetoResult>? results = null)
    {
        var times = new List<double>(set.Length * repeats);
        for (var r = 0; r < repeats; r++)
            foreach (var p in set)
            {
                var start = Stopwatch.GetTimestamp();
                var result = query(p);
                times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                if (r == 0 && result is ParetoResult pr) results?.Add(pr);
            }
        return times;
    }

    private static void Row(string name, List<double> seconds, double scale, List<double>? baseline = null)
    {
        var ratio = baseline is null ? "" : $" | {Median(seconds) / Median(baseline):F2}x | {P95(seconds) / P95(baseline):F2}x";
        Console.WriteLine($"| {name} | {Median(seconds) * scale:F3} | {P95(seconds) * scale:F3}{ratio} |");
    }

    private static double Median(List<double> xs) => Percentile(xs, 0.5);
    private static double P95(List<double> xs) => Percentile(xs, 0.95);

    private static double Percentile(List<double> xs, double q)
    {
        if (xs.Count == 0) return double.NaN;
        var sorted = xs.OrderBy(x => x).ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
    }
}
