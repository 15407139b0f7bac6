using QuikGraph;
using QuikGraph.Algorithms;
using TradeHub.Routing.Network;
using TradeHub.Routing.Routes;

namespace TradeHub.Benchmarks.Routing;

/// <summary>
/// The graphs and query pairs every routing benchmark shares (seeded): the corridor network from samples/corridors,
/// and a synthetic 10,000-node plane of 5,000 x 3,000 km with ~30,000 links (60,000 directed legs).
/// </summary>
public sealed class RoutingWorkload
{
    public const int Seed = 20261129;
    public const int Nodes = 10_000;
    public const int Links = 30_000;

    public NetworkGraph Graph { get; }
    public (int S, int T)[] Regional { get; }
    public (int S, int T)[] LongHaul { get; }
    public AdjacencyGraph<int, SEquatableTaggedEdge<int, int>> Quik { get; }
    public Func<SEquatableTaggedEdge<int, int>, double> QuikHours { get; }
    public CorridorNetwork Corridor { get; }
    public (int S, int T)[] CorridorPairs { get; }

    private static RoutingWorkload? shared;
    public static RoutingWorkload Shared => shared ??= new RoutingWorkload(RoutingBenchmarks.Pairs);

    public RoutingWorkload(int pairsPerSet)
    {
        var plane = SyntheticNetwork.Generate(Nodes, Links, Seed);
        Graph = plane.Graph;
        var rng = new Random(Seed);
        var finder = new ShortestPath();
        var regional = new List<(int, int)>();
        var longHaul = new List<(int, int)>();
        while (regional.Count < pairsPerSet || longHaul.Count < pairsPerSet)
        {
            var s = rng.Next(Nodes);
            var t = rng.Next(Nodes);
            if (s == t) continue;
            var d = SyntheticNetwork.Distance(plane.X, plane.Y, s, t);
            var isRegional = d is >= 150 and <= 500 && regional.Count < pairsPerSet;
            var isLong = Math.Abs(plane.X[s] - plane.X[t]) >= 3_500 && longHaul.Count < pairsPerSet;
            if (!isRegional && !isLong) continue;
            if (finder.Path(Graph, s, t, Criterion.Hours, RouteFilter.None, out _) is null) continue; // other component
            (isRegional ? regional : longHaul).Add((s, t));
        }
        Regional = regional.ToArray();
        LongHaul = longHaul.ToArray();

        Quik = new AdjacencyGraph<int, SEquatableTaggedEdge<int, int>>(allowParallelEdges: true, vertexCapacity: Nodes, edgeCapacity: Graph.Arcs.Length);
        for (var v = 0; v < Nodes; v++) Quik.AddVertex(v);
        for (var u = 0; u < Nodes; u++)
            for (var a = Graph.OutStart[u]; a < Graph.OutStart[u + 1]; a++)
                Quik.AddEdge(new SEquatableTaggedEdge<int, int>(u, Graph.Arcs[a].Head, a));
        var arcs = Graph.Arcs;
        QuikHours = e => arcs[e.Tag].Hours;

        var dir = Path.Combine(AppContext.BaseDirectory, "corridors");
        Corridor = CorridorNetwork.Build(CorridorCsv.ReadNodes(Path.Combine(dir, "nodes.csv")), CorridorCsv.ReadLegs(Path.Combine(dir, "edges.csv")));
        var ids = new[] { ("CNTSN", "UZTAS"), ("CNTSN", "BYMSQ"), ("CNCKG", "DEDUI"), ("CNXIY", "ROCND"), ("CNSHA", "KZALA"), ("UZTAS", "DEHAM") };
        CorridorPairs = ids.Select(p =>
        {
            Corridor.Graph.TryGetNode(p.Item1, out var s);
            Corridor.Graph.TryGetNode(p.Item2, out var t);
            return (s, t);
        }).ToArray();
    }

    /// <summary>QuikGraph's Dijkstra from s over the whole graph (its usual use), then the path to t.</summary>
    public double QuikGraphFull(int s, int t)
    {
        var paths = Quik.ShortestPathsDijkstra(QuikHours, s);
        return paths(t, out var path) ? path.Count() : -1;
    }

    /// <summary>QuikGraph's Dijkstra stopped once t is finished (the fairer single-query baseline).</summary>
    public double QuikGraphToTarget(int s, int t)
    {
        var algorithm = new QuikGraph.Algorithms.ShortestPath.DijkstraShortestPathAlgorithm<int, SEquatableTaggedEdge<int, int>>(Quik, QuikHours);
        var recorder = new QuikGraph.Algorithms.Observers.VertexPredecessorRecorderObserver<int, SEquatableTaggedEdge<int, int>>();
        using (recorder.Attach(algorithm))
        {
            algorithm.FinishVertex += v =>
            {
                if (v == t) algorithm.Services.CancelManager.Cancel();
            };
            algorithm.Compute(s);
        }
        return recorder.TryGetPath(t, out var path) ? path.Count() : -1;
    }
}
