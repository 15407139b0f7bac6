using TradeHub.Routing.Network;
using TradeHub.Routing.Routes;

namespace TradeHub.Routing.Tests.Engine;

/// <summary>Properties of the search on seeded random graphs, checked against Dijkstra and brute force.</summary>
public class ParetoPropertyTests
{
    private static bool Dominates(ParetoPath a, ParetoPath b) =>
        a.Hours <= b.Hours && a.Usd <= b.Usd && a.Co2 <= b.Co2 && (a.Hours < b.Hours || a.Usd < b.Usd || a.Co2 < b.Co2);

    private static IEnumerable<(NetworkGraph G, int S, int T)> Cases(int nodes, int legs, int graphs, int pairs)
    {
        for (var seed = 1; seed <= graphs; seed++)
        {
            var g = SyntheticNetwork.Generate(nodes, legs, seed, 1000, 600, nearest: 5).Graph;
            var rng = new Random(seed * 31);
            for (var k = 0; k < pairs; k++)
            {
                var s = rng.Next(nodes);
                var t = rng.Next(nodes);
                if (s != t) yield return (g, s, t);
            }
        }
    }

    [Test]
    public void Pareto_set_never_holds_a_dominated_route_and_always_holds_each_single_criterion_optimum()
    {
        var dijkstra = new ShortestPath();
        var checkedPairs = 0;
        foreach (var (g, s, t) in Cases(120, 260, 12, 8))
        {
            var result = new ParetoSearch().Search(g, s, t, RouteFilter.None, SearchOptions.Exact);
            Assert.That(result.Exact, Is.True);
            if (dijkstra.Path(g, s, t, Criterion.Hours, RouteFilter.None, out _) is null)
            {
                Assert.That(result.Reachable, Is.False, "no path by Dijkstra, none by the Pareto search");
                Assert.That(result.Paths, Is.Empty);
                continue;
            }
            foreach (var a in result.Paths)
                foreach (var b in result.Paths)
                    Assert.That(Dominates(a, b), Is.False);
            foreach (var c in Enum.GetValues<Criterion>())
            {
                var path = dijkstra.Path(g, s, t, c, RouteFilter.None, out var best);
                Assert.That(path, Is.Not.Null);
                var min = result.Paths.Min(p => c == Criterion.Hours ? p.Hours : c == Criterion.Cost ? p.Usd : p.Co2);
                Assert.That(min, Is.EqualTo(best).Within(1e-9 * Math.Max(1, best)), $"{c} optimum");
            }
            checkedPairs++;
        }
        Assert.That(checkedPairs, Is.GreaterThan(80));
    }

    [Test]
    public void Exact_search_finds_exactly_the_brute_force_Pareto_set_on_small_graphs()
    {
        foreach (var (g, s, t) in Cases(11, 22, 25, 4))
        {
            var expected = BruteForce(g, s, t);
            var found = new ParetoSearch().Search(g, s, t, RouteFilter.None, SearchOptions.Exact).Paths;
            Assert.That(found, Has.Count.EqualTo(expected.Count));
            foreach (var e in expected)
                Assert.That(found.Any(f => Same(f, e)), Is.True, "an exact Pareto route is missing");
        }
    }

    [TestCase(0.01)]
    [TestCase(0.02)]
    [TestCase(0.05)]
    [TestCase(0.25)]
    public void Approximate_set_covers_the_exact_set_within_its_epsilon(double epsilon)
    {
        var certifiedByWeightedRoutes = 0;
        foreach (var (g, s, t) in Cases(400, 1000, 4, 6))
        {
            var exact = new ParetoSearch().Search(g, s, t, RouteFilter.None, SearchOptions.Exact).Paths;
            var approx = new ParetoSearch().Search(g, s, t, RouteFilter.None, SearchOptions.Exact with { ForceEpsilon = epsilon });
            Assert.That(approx.Exact, Is.False);
            Assert.That(approx.Epsilon, Is.LessThanOrEqualTo(epsilon), "a search that finishes keeps the epsilon asked for");
            if (approx.Labels == 0) certifiedByWeightedRoutes++;
            AssertCovers(approx, exact);
        }
        TestContext.Out.WriteLine($"eps {epsilon}: {certifiedByWeightedRoutes} answers proven by weighted-sum routes alone");
    }

    [TestCase(0.0)]
    [TestCase(0.02)]
    public void Answers_cut_short_by_the_budget_still_cover_the_exact_set_within_the_epsilon_they_report(double epsilon)
    {
        foreach (var (g, s, t) in Cases(400, 1000, 4, 6))
        {
            var exact = new ParetoSearch().Search(g, s, t, RouteFilter.None, SearchOptions.Exact).Paths;
            var cut = new ParetoSearch().Search(g, s, t, RouteFilter.None,
                SearchOptions.Exact with { ForceEpsilon = epsilon, Budget = TimeSpan.Zero, MaxWeightedRoutes = 2 });
            if (exact.Count == 0) continue;
            Assert.That(cut.Paths, Is.Not.Empty, "the single-criterion routes are always there");
            AssertCovers(cut, exact);
        }
    }

    [TestCase(0.02, false, 5, 0)]
    [TestCase(0.05, false, 5, 0)]
    [TestCase(0.02, true, 5, 0)]
    [TestCase(0.02, false, 1, 2)]
    [TestCase(0.02, false, -1, 0)]
    public void Heuristic_fast_path_answers_cover_the_exact_set_within_the_epsilon_they_report(double epsilon, bool cutShort,
        int weightedCorridorHops, int proofRoutes)
    {
        // The fast path's per-node pruning is not a guarantee; the epsilon it reports is the found set's certificate
        // and must hold. Few weighted routes, so the corridor label search runs rather than the certificate alone.
        var heuristic = 0;
        foreach (var (g, s, t) in Cases(400, 1000, 4, 6))
        {
            var exact = new ParetoSearch().Search(g, s, t, RouteFilter.None, SearchOptions.Exact).Paths;
            var fast = new ParetoSearch().Search(g, s, t, RouteFilter.None, SearchOptions.Default with
            {
                ForceEpsilon = epsilon, Budget = cutShort ? TimeSpan.Zero : null, HeuristicWeightedRoutes = 2,
                WeightedCorridorHops = weightedCorridorHops, ProofRoutes = proofRoutes,
            });
            if (exact.Count == 0) continue;
            Assert.That(fast.Exact, Is.False);
            if (fast.LabelEpsilon is not null) heuristic++;
            AssertCovers(fast, exact);
            Assert.That(fast.Paths.Min(p => p.Hours), Is.EqualTo(exact.Min(p => p.Hours)).Within(1e-9 * exact.Min(p => p.Hours)), "fastest");
            Assert.That(fast.Paths.Min(p => p.Usd), Is.EqualTo(exact.Min(p => p.Usd)).Within(1e-9 * exact.Min(p => p.Usd)), "cheapest");
            Assert.That(fast.Paths.Min(p => p.Co2), Is.EqualTo(exact.Min(p => p.Co2)).Within(1e-9 * exact.Min(p => p.Co2)), "greenest");
        }
        Assert.That(heuristic, Is.GreaterThan(0), "the heuristic label search ran");
    }

    [Test]
    public void Heuristic_fast_path_keeps_to_the_filter_and_covers_the_exact_set_of_the_filtered_graph()
    {
        // The exact bounds' trees give the seeds on long queries: they must follow the filter as a forward search does.
        foreach (var (g, s, t) in Cases(400, 1000, 3, 6))
        {
            var rng = new Random(s * 7 + t);
            var nodes = new bool[g.NodeCount];
            var legs = new bool[g.LegCount];
            for (var v = 0; v < g.NodeCount; v++) nodes[v] = v != s && v != t && rng.NextDouble() < 0.05;
            for (var l = 0; l < g.LegCount; l++) legs[l] = rng.NextDouble() < 0.05;
            var filter = new RouteFilter { BlockedNodes = nodes, BlockedLegs = legs };
            var exact = new ParetoSearch().Search(g, s, t, filter, SearchOptions.Exact);
            var fast = new ParetoSearch().Search(g, s, t, filter, SearchOptions.Default with { ForceEpsilon = 0.02, Budget = null, HeuristicWeightedRoutes = 2 });
            Assert.That(fast.Reachable, Is.EqualTo(exact.Reachable));
            if (exact.Paths.Count == 0) continue;
            AssertCovers(fast, exact.Paths);
            foreach (var p in fast.Paths)
                foreach (var a in p.Arcs)
                    Assert.That(filter.Allows(g.Arcs[a]), Is.True, "a returned route uses a closed leg or an avoided node");
        }
    }

    /// <summary>No returned route dominates another, and every exact Pareto route is within (1 + reported epsilon).</summary>
    private static void AssertCovers(ParetoResult approx, IReadOnlyList<ParetoPath> exact)
    {
        foreach (var a in approx.Paths)
            foreach (var b in approx.Paths)
                Assert.That(Dominates(a, b), Is.False);
        var slack = (1 + approx.Epsilon) * (1 + 1e-12);
        foreach (var e in exact)
            Assert.That(approx.Paths.Any(a => a.Hours <= slack * e.Hours && a.Usd <= slack * e.Usd && a.Co2 <= slack * e.Co2), Is.True,
                $"an exact route ({e.Hours:F1} h, {e.Usd:F0} USD, {e.Co2:F0} kg) is not within {approx.Epsilon:P2} of the answer");
    }

    [Test]
    public void Returned_routes_are_real_paths_whose_totals_add_up()
    {
        foreach (var (g, s, t) in Cases(120, 260, 3, 5))
            foreach (var p in new ParetoSearch().Search(g, s, t, RouteFilter.None, SearchOptions.Exact).Paths)
            {
                var at = s;
                double h = 0, c = 0, e = 0;
                foreach (var a in p.Arcs)
                {
                    Assert.That(g.TailOf(a), Is.EqualTo(at));
                    h += g.Arcs[a].Hours; c += g.Arcs[a].Usd; e += g.Arcs[a].Co2;
                    at = g.Arcs[a].Head;
                }
                Assert.That(at, Is.EqualTo(t));
                Assert.That(h, Is.EqualTo(p.Hours).Within(1e-6));
                Assert.That(c, Is.EqualTo(p.Usd).Within(1e-6));
                Assert.That(e, Is.EqualTo(p.Co2).Within(1e-6));
            }
    }

    private static bool Same(ParetoPath a, ParetoPath b) =>
        Math.Abs(a.Hours - b.Hours) < 1e-9 && Math.Abs(a.Usd - b.Usd) < 1e-9 && Math.Abs(a.Co2 - b.Co2) < 1e-9;

    /// <summary>Every simple path by depth-first search, then the non-dominated ones (one per distinct vector).</summary>
    private static List<ParetoPath> BruteForce(NetworkGraph g, int s, int t)
    {
        var all = new List<ParetoPath>();
        var onPath = new bool[g.NodeCount];
        void Walk(int u, double h, double c, double e)
        {
            if (u == t)
            {
                all.Add(new ParetoPath([], h, c, e));
                return;
            }
            onPath[u] = true;
            for (var a = g.OutStart[u]; a < g.OutStart[u + 1]; a++)
                if (!onPath[g.Arcs[a].Head]) Walk(g.Arcs[a].Head, h + g.Arcs[a].Hours, c + g.Arcs[a].Usd, e + g.Arcs[a].Co2);
            onPath[u] = false;
        }
        Walk(s, 0, 0, 0);
        var front = all.Where(p => !all.Any(q => Dominates(q, p))).ToList();
        return front.Where((p, i) => !front.Take(i).Any(q => Same(p, q))).ToList();
    }
}
