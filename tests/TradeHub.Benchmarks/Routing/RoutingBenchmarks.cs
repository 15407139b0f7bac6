using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using TradeHub.Routing.Routes;

namespace TradeHub.Benchmarks.Routing;

/// <summary>
/// Per-query times (OperationsPerInvoke = pairs per set), baselines on the same graph and pairs. Run with a short
/// job from the command line (docs/routing-benchmarks.md) so a run fits in a few minutes.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RoutingBenchmarks
{
    public const int Pairs = 10;
    private RoutingWorkload w = null!;
    private readonly ShortestPath dijkstra = new();
    private readonly ParetoSearch pareto = new();
    private SearchOptions threeTimesQuikGraph = SearchOptions.Default;

    [GlobalSetup]
    public void Setup()
    {
        w = RoutingWorkload.Shared;
        // Budget = 3x the median of QuikGraph's stopped Dijkstra over the long-haul pairs, timed here (5 rounds).
        var times = new List<double>();
        for (var round = 0; round < 5; round++)
            foreach (var (s, t) in w.LongHaul)
            {
                var start = System.Diagnostics.Stopwatch.GetTimestamp();
                w.QuikGraphToTarget(s, t);
                times.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
        times.Sort();
        threeTimesQuikGraph = SearchOptions.Default with { Budget = TimeSpan.FromSeconds(3 * times[times.Count / 2]) };
        Console.WriteLine($"// long-haul budget for the 3x benchmark: {threeTimesQuikGraph.Budget!.Value.TotalMilliseconds:F2} ms");
    }

    [BenchmarkCategory("Regional"), Benchmark(Baseline = true, OperationsPerInvoke = Pairs)]
    public double Regional_QuikGraph_Dijkstra_to_target() => Sum(w.Regional, p => w.QuikGraphToTarget(p.S, p.T));

    [BenchmarkCategory("Regional"), Benchmark(OperationsPerInvoke = Pairs)]
    public double Regional_QuikGraph_Dijkstra_full() => Sum(w.Regional, p => w.QuikGraphFull(p.S, p.T));

    [BenchmarkCategory("Regional"), Benchmark(OperationsPerInvoke = Pairs)]
    public double Regional_own_Dijkstra() => Sum(w.Regional, p => dijkstra.Path(w.Graph, p.S, p.T, Criterion.Hours, RouteFilter.None, out var d)!.Length + d);

    [BenchmarkCategory("Regional"), Benchmark(OperationsPerInvoke = Pairs)]
    public double Regional_Pareto_exact() => Sum(w.Regional, p => pareto.Search(w.Graph, p.S, p.T, RouteFilter.None, SearchOptions.Default).Paths.Count);

    [BenchmarkCategory("LongHaul"), Benchmark(Baseline = true, OperationsPerInvoke = Pairs)]
    public double LongHaul_QuikGraph_Dijkstra_to_target() => Sum(w.LongHaul, p => w.QuikGraphToTarget(p.S, p.T));

    [BenchmarkCategory("LongHaul"), Benchmark(OperationsPerInvoke = Pairs)]
    public double LongHaul_QuikGraph_Dijkstra_full() => Sum(w.LongHaul, p => w.QuikGraphFull(p.S, p.T));

    [BenchmarkCategory("LongHaul"), Benchmark(OperationsPerInvoke = Pairs)]
    public double LongHaul_own_Dijkstra() => Sum(w.LongHaul, p => dijkstra.Path(w.Graph, p.S, p.T, Criterion.Hours, RouteFilter.None, out var d)!.Length + d);

    [BenchmarkCategory("LongHaul"), Benchmark(OperationsPerInvoke = Pairs)]
    public double LongHaul_Pareto_eps2_budget250ms() => Sum(w.LongHaul, p => pareto.Search(w.Graph, p.S, p.T, RouteFilter.None, SearchOptions.Default).Paths.Count);

    [BenchmarkCategory("LongHaul"), Benchmark(OperationsPerInvoke = Pairs)]
    public double LongHaul_Pareto_eps2_budget3xQuikGraph() => Sum(w.LongHaul, p => pareto.Search(w.Graph, p.S, p.T, RouteFilter.None, threeTimesQuikGraph).Paths.Count);

    private static double Sum((int S, int T)[] pairs, Func<(int S, int T), double> f)
    {
        var total = 0.0;
        foreach (var p in pairs) total += f(p);
        return total;
    }
}

/// <summary>The corridor network (59 nodes, 164 directed legs): exact Pareto per query, in process.</summary>
[MemoryDiagnoser]
public class CorridorBenchmarks
{
    private RoutingWorkload w = null!;
    private readonly ShortestPath dijkstra = new();
    private readonly ParetoSearch pareto = new();
    private TradeHub.Routing.Network.NetworkSnapshot snapshot = null!;

    [GlobalSetup]
    public void Setup()
    {
        w = RoutingWorkload.Shared;
        snapshot = new TradeHub.Routing.Network.NetworkSnapshot(w.Corridor, [], 1);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 6)]
    public int Corridor_own_Dijkstra()
    {
        var n = 0;
        foreach (var (s, t) in w.CorridorPairs) n += dijkstra.Path(w.Corridor.Graph, s, t, Criterion.Hours, RouteFilter.None, out _)!.Length;
        return n;
    }

    [Benchmark(OperationsPerInvoke = 6)]
    public int Corridor_Pareto_exact_search()
    {
        var n = 0;
        foreach (var (s, t) in w.CorridorPairs) n += pareto.Search(w.Corridor.Graph, s, t, RouteFilter.None, SearchOptions.Default).Paths.Count;
        return n;
    }

    [Benchmark(OperationsPerInvoke = 6)]
    public int Corridor_route_query_ranked()
    {
        var n = 0;
        foreach (var (s, t) in w.CorridorPairs)
            n += RoutePlanner.Plan(snapshot, new RouteRequest
            {
                From = w.Corridor.Graph.NodeIds[s], To = w.Corridor.Graph.NodeIds[t], ReadyDate = new DateOnly(2026, 12, 1),
            }).Routes.Count;
        return n;
    }
}
