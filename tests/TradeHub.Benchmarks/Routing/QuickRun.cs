using System.Diagnostics;
using TradeHub.Routing.Routes;

namespace TradeHub.Benchmarks.Routing;

/// <summary>
/// `routes-quick [pairs] [repeats] [sets]`: medians and p95 per query without BenchmarkDotNet, ratios to the
/// baselines measured in the same run, and the measured end-to-end epsilon of the approximate long-haul answers
/// against reference Pareto sets (`routes-reference`).
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

        if (sets.Contains("regional", StringComparison.Ordinal))
        {
            var set = w.Regional;
            var results = new List<ParetoResult>();
            var times = Interleaved(set, repeats, [null, null, null, results],
                p => w.QuikGraphToTarget(p.S, p.T),
                p => w.QuikGraphFull(p.S, p.T),
                p => dijkstra.Path(w.Graph, p.S, p.T, Criterion.Hours, RouteFilter.None, out _),
                p => pareto.Search(w.Graph, p.S, p.T, RouteFilter.None, SearchOptions.Default));
            var (quikTarget, quikFull, own, search) = (times[0], times[1], times[2], times[3]);
            Header("regional (10k)");
            Row("QuikGraph Dijkstra, stop at target", quikTarget, 1e3, quikTarget);
            Row("QuikGraph Dijkstra, full graph", quikFull, 1e3, quikTarget);
            Row("own lean Dijkstra (floor)", own, 1e3, quikTarget);
            Row("Pareto (exact: regional queries)", search, 1e3, quikTarget);
            Console.WriteLine($"Pareto vs own Dijkstra: median {Median(search) / Median(own):F1}x, p95 {P95(search) / P95(own):F1}x; vs QuikGraph full: median {Median(search) / Median(quikFull):F2}x");
            Summary(results.Take(set.Length).ToList());
        }

        if (sets.Contains("long-haul", StringComparison.Ordinal))
        {
            var set = w.LongHaul;
            // The budget is 3x QuikGraph's median from a first pass; then every query of a pair runs back to back
            // (interleaved), so a change of load on the shared machine hits the baselines and the searches alike.
            var threeTimes = TimeSpan.FromSeconds(3 * Median(Time(set, 1, p => w.QuikGraphToTarget(p.S, p.T))));
            var atDefault = new List<ParetoResult>();
            var atThreeTimes = new List<ParetoResult>();
            var complete = new List<ParetoResult>();
            var times = Interleaved(set, repeats, [null, null, null, atDefault, atThreeTimes, complete],
                p => w.QuikGraphToTarget(p.S, p.T),
                p => w.QuikGraphFull(p.S, p.T),
                p => dijkstra.Path(w.Graph, p.S, p.T, Criterion.Hours, RouteFilter.None, out _),
                p => pareto.Search(w.Graph, p.S, p.T, RouteFilter.None, SearchOptions.Default),
                p => pareto.Search(w.Graph, p.S, p.T, RouteFilter.None, SearchOptions.Default with { Budget = threeTimes }),
                p => pareto.Search(w.Graph, p.S, p.T, RouteFilter.None, SearchOptions.Default with { Budget = null }));
            var (quikTarget, quikFull, own, byDefault, byThreeTimes, unbudgeted) = (times[0], times[1], times[2], times[3], times[4], times[5]);
            var reference = Reference.Load(Reference.FileFor(ReferenceEpsilon));
            var referenced = set.Where(reference.ContainsKey).ToArray();
            // The sound search (A*pex, no heuristic), no budget: proves 2 % when it finishes.
            var sound = new List<ParetoResult>();
            var soundTimes = Time(referenced, 1, p => pareto.Search(w.Graph, p.S, p.T, RouteFilter.None, SearchOptions.Default with { Budget = null, LabelEpsilon = null }), sound);
            Header("long-haul (10k)");
            Row("QuikGraph Dijkstra, stop at target", quikTarget, 1e3, quikTarget);
            Row("QuikGraph Dijkstra, full graph", quikFull, 1e3, quikTarget);
            Row("own lean Dijkstra (floor)", own, 1e3, quikTarget);
            Row("Pareto heuristic (default), 250 ms budget", byDefault, 1e3, quikTarget);
            Row($"Pareto heuristic, budget 3x QuikGraph ({threeTimes.TotalMilliseconds:F1} ms)", byThreeTimes, 1e3, quikTarget);
            Row("Pareto heuristic, no budget", unbudgeted, 1e3, quikTarget);
            if (referenced.Length > 0)
                Row($"Pareto sound eps 2 % (A*pex), no budget ({referenced.Length} pairs, once, after the rest)", soundTimes, 1e3, quikTarget);
            Console.WriteLine($"vs own Dijkstra (median): default {Median(byDefault) / Median(own):F1}x, 3x budget {Median(byThreeTimes) / Median(own):F1}x, heuristic no budget {Median(unbudgeted) / Median(own):F1}x, sound no budget {Median(soundTimes) / Median(own):F1}x");
            foreach (var (name, results, pairsOf) in new[] { ("default", atDefault, set), ("3x budget", atThreeTimes, set), ("heuristic, no budget", complete, set), ("sound, no budget", sound, referenced) })
            {
                if (pairsOf.Length == 0) continue;
                Console.Write($"{name}: ");
                Summary(results.Take(pairsOf.Length).ToList());
                MeasuredAgainstReference(pairsOf, results, reference);
            }
        }
        Console.WriteLine();
        Console.WriteLine($"(quick run took {total.Elapsed.TotalSeconds:F0} s)");
    }

    public const double ReferenceEpsilon = 0.005;

    /// <summary>Per pair and repeat, every query back to back; the first repeat's answers go to results[i].</summary>
    private static List<double>[] Interleaved((int S, int T)[] set, int repeats, List<ParetoResult>?[] results,
        params Func<(int S, int T), object?>[] queries)
    {
        var times = queries.Select(_ => new List<double>(set.Length * repeats)).ToArray();
        for (var r = 0; r < repeats; r++)
            foreach (var p in set)
                for (var q = 0; q < queries.Length; q++)
                {
                    var start = Stopwatch.GetTimestamp();
                    var result = queries[q](p);
                    times[q].Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                    if (r == 0 && result is ParetoResult pr) results[q]?.Add(pr);
                }
        return times;
    }

    private static void Header(string name)
    {
        Console.WriteLine();
        Console.WriteLine($"| {name} | median ms | p95 ms | median ratio to QuikGraph (to target) | p95 ratio |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
    }

    private static void Summary(List<ParetoResult> perPair) =>
        Console.WriteLine($"exact answers {perPair.Count(r => r.Exact)}/{perPair.Count}; routes per answer median {Median(perPair.Select(r => (double)r.Paths.Count).ToList()):F0}, max {perPair.Max(r => r.Paths.Count)}; labels median {Median(perPair.Select(r => (double)r.Labels).ToList()):F0}, max {perPair.Max(r => r.Labels)}; epsilon the answers report (proven): median {Median(perPair.Select(r => r.Epsilon).ToList()):P2}, max {perPair.Max(r => r.Epsilon):P2}");

    /// <summary>
    /// Measured epsilon x of each answer against the reference set of its pair (eps_r = 0.5 %): the true epsilon
    /// against the exact Pareto set lies in [x, (1 + x)(1 + eps_r) - 1].
    /// </summary>
    private static void MeasuredAgainstReference((int S, int T)[] set, List<ParetoResult> results,
        Dictionary<(int S, int T), List<(double H, double C, double E)>> reference)
    {
        var measured = new List<double>();
        var aboveReported = 0;
        for (var i = 0; i < set.Length; i++)
        {
            if (!reference.TryGetValue(set[i], out var exact)) continue;
            var x = MeasuredEpsilon(results[i].Paths, exact);
            measured.Add(x);
            if (x > results[i].Epsilon + 1e-9) aboveReported++; // would mean the proven epsilon is wrong
        }
        if (measured.Count == 0)
        {
            Console.WriteLine("   no reference sets: run routes-reference first");
            return;
        }
        double median = Median(measured), max = measured.Max();
        Console.WriteLine($"   measured against {ReferenceEpsilon:P1}-reference sets ({measured.Count} pairs): median {median:P2}, max {max:P2} => true epsilon max in [{max:P2}, {(1 + max) * (1 + ReferenceEpsilon) - 1:P2}]; answers measured above the epsilon they report: {aboveReported}");
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
