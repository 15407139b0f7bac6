using System.Diagnostics;
using System.Globalization;
using TradeHub.Routing.Routes;

namespace TradeHub.Benchmarks.Routing;

/// <summary>
/// `routes-tune [labelEps coverEps weightedRoutes maxPerNode pairs corridorHops weightedCorridorHops proofRoutes]` (defaults: SearchOptions.Default, 10 pairs): the heuristic long-haul path without a
/// budget on the pairs with a reference set: time against QuikGraph (to target) per pair, measured and proven epsilon.
/// For choosing the heuristic's settings; routes-quick gives the figures to report.
/// </summary>
public static class Tune
{
    public static void Run(string[] args)
    {
        double P(int i, double d) => args.Length > i ? double.Parse(args[i], CultureInfo.InvariantCulture) : d;
        var labelEps = P(1, 0.005);
        var coverEps = P(2, 0.01);
        var defaults = SearchOptions.Default;
        var weighted = (int)P(3, defaults.HeuristicWeightedRoutes);
        var cap = (int)P(4, defaults.MaxLabelsPerNode);
        var pairs = (int)P(5, 10);
        var hops = (int)P(6, defaults.CorridorHops);
        var weightedHops = (int)P(7, defaults.WeightedCorridorHops);
        var proofRoutes = (int)P(8, defaults.ProofRoutes);
        var w = new RoutingWorkload(pairs);
        var pareto = new ParetoSearch();
        var reference = Reference.Load(Reference.FileFor(QuickRun.ReferenceEpsilon));
        var set = w.LongHaul; // pairs without a reference set (yet) are timed, not measured
        var options = SearchOptions.Default with
        {
            Budget = null, LabelEpsilon = labelEps, CoverEpsilon = coverEps, HeuristicWeightedRoutes = weighted, MaxLabelsPerNode = cap, CorridorHops = hops, WeightedCorridorHops = weightedHops, ProofRoutes = proofRoutes
        };
        for (var i = 0; i < 3; i++) { w.QuikGraphToTarget(set[0].S, set[0].T); pareto.Search(w.Graph, set[0].S, set[0].T, RouteFilter.None, options); }
        var ratios = new List<double>();
        var quikTotal = 0.0;
        var measured = new List<double>();
        foreach (var (s, t) in set)
        {
            var quik = new List<double>();
            var mine = new List<double>();
            ParetoResult r = null!;
            var phases = new List<SearchPhases>();
            for (var k = 0; k < 3; k++)
            {
                var sw = Stopwatch.StartNew();
                w.QuikGraphToTarget(s, t);
                quik.Add(sw.Elapsed.TotalMilliseconds);
                quikTotal += sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                r = pareto.Search(w.Graph, s, t, RouteFilter.None, options);
                mine.Add(sw.Elapsed.TotalMilliseconds);
                phases.Add(pareto.LastPhases);
            }
            double q = quik.Order().ElementAt(1), m = mine.Order().ElementAt(1);
            var x = reference.TryGetValue((s, t), out var exact) ? QuickRun.MeasuredEpsilon(r.Paths, exact) : double.NaN;
            ratios.Add(m / q);
            if (!double.IsNaN(x)) measured.Add(x);
            // Phases as shares of QuikGraph's median (medians over the repeats).
            double Share(Func<SearchPhases, long> phase) => phases.Select(p => phase(p) * 1e3 / Stopwatch.Frequency).Order().ElementAt(1) / q;
            var split = $"bounds {Share(p => p.Bounds):F2} seeds {Share(p => p.Seeds):F2} weighted {Share(p => p.Weighted):F2} labels {Share(p => p.Labels):F2}";
            Console.WriteLine($"{s}->{t}: quik {q:F1} ms, heuristic {m:F1} ms ({m / q:F2}x; {split}), labels {r.Labels:N0}, routes {r.Paths.Count}, measured {x:P2}, proven {r.Epsilon:P2}");
        }
        var sorted = ratios.Order().ToList();
        Console.WriteLine($"label {labelEps:P2} cover {coverEps:P2} weighted {weighted} cap {cap} hops {hops} weighted hops {weightedHops} proof routes {proofRoutes}: ratio median {sorted[sorted.Count / 2]:F2}x max {sorted[^1]:F2}x; {(measured.Count == 0 ? "no reference sets" : $"measured ({measured.Count} pairs) median {measured.Order().ElementAt(measured.Count / 2):P2} max {measured.Max():P2} (true <= {(1 + measured.Max()) * (1 + QuickRun.ReferenceEpsilon) - 1:P2})")}");
    }
}
