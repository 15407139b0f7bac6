using TradeHub.Routing.Network;

namespace TradeHub.Routing.Routes;

public enum Criterion { Hours = 0, Cost = 1, Co2 = 2 }

/// <summary>What a query may use: allowed modes, avoided or closed nodes, closed legs (by undirected leg index).</summary>
public sealed class RouteFilter
{
    public static readonly RouteFilter None = new();
    public LegMode Modes { get; init; } = LegMode.All;
    public bool[]? BlockedNodes { get; init; }
    public bool[]? BlockedLegs { get; init; }

    public bool Allows(in Arc arc) =>
        (arc.Mode & Modes) != 0
        && (BlockedNodes is null || !BlockedNodes[arc.Head])
        && (BlockedLegs is null || !BlockedLegs[arc.Leg]);

    public bool AllowsNode(int node) => BlockedNodes is null || !BlockedNodes[node];
}

/// <summary>
/// The project's own lean single-criterion Dijkstra over the CSR arrays: the floor the Pareto search is measured
/// against, the source of the lower bounds that prune it, and the property tests' oracle.
/// </summary>
public sealed class ShortestPath
{
    private readonly MinHeap heap = new();
    private double[] dist = [];
    private int[] via = [];
    private int[] stamp = [];
    private int generation;

    public static double Weight(in Arc arc, Criterion c) => c switch
    {
        Criterion.Hours => arc.Hours,
        Criterion.Cost => arc.Usd,
        _ => arc.Co2,
    };

    /// <summary>Forward search from source to target; returns the arc list or null when there is no path.</summary>
    public int[]? Path(NetworkGraph g, int source, int target, Criterion c, RouteFilter filter, out double length)
    {
        Reset(g.NodeCount);
        var gen = generation;
        dist[source] = 0;
        via[source] = -1;
        stamp[source] = gen;
        heap.Push(0, source);
        var arcs = g.Arcs;
        var outStart = g.OutStart;
        while (heap.Count > 0)
        {
            var u = heap.Pop(out var d);
            if (d > dist[u]) continue;
            if (u == target) break;
            for (var a = outStart[u]; a < outStart[u + 1]; a++)
            {
                ref readonly var arc = ref arcs[a];
                if (!filter.Allows(arc)) continue;
                var v = arc.Head;
                var nd = d + Weight(arc, c);
                if (stamp[v] != gen || nd < dist[v])
                {
                    stamp[v] = gen;
                    dist[v] = nd;
                    via[v] = a;
                    heap.Push(nd, v);
                }
            }
        }
        if (stamp[target] != gen) { length = double.PositiveInfinity; return null; }
        length = dist[target];
        var path = new List<int>();
        for (var v = target; v != source;)
        {
            var a = via[v];
            path.Add(a);
            v = g.TailOf(a);
        }
        path.Reverse();
        return path.ToArray();
    }

    private void Reset(int n)
    {
        if (dist.Length < n)
        {
            dist = new double[n];
            via = new int[n];
            stamp = new int[n];
            generation = 0;
        }
        heap.Clear();
        if (++generation == int.MaxValue)
        {
            Array.Clear(stamp);
            generation = 1;
        }
    }
}

/// <summary>
/// Lower bounds to the target for one criterion: a reverse Dijkstra from the target that stops once it has settled
/// everything within <c>stretch</c> times the source's distance. Nodes it did not settle get the radius it reached,
/// which is still a lower bound (and consistent), so the search stays exact while the bound stays local.
/// </summary>
internal sealed class TargetBounds
{
    private readonly MinHeap heap = new();
    private double[] tentative = [];
    private int[] tentativeStamp = [];
    private double[] settled = [];
    private int[] settledStamp = [];
    /// <summary>The arc that leaves a settled node on its shortest path to the target.</summary>
    private int[] next = [];
    private int generation;
    private double radius;
    private bool complete;

    public int SettledCount { get; private set; }

    /// <summary>Returns false when the source cannot reach the target at all.</summary>
    public bool Compute(NetworkGraph g, int source, int target, Criterion c, RouteFilter filter, double stretch)
    {
        Reset(g.NodeCount);
        var gen = generation;
        tentative[target] = 0;
        tentativeStamp[target] = gen;
        next[target] = -1;
        heap.Push(0, target);
        var arcs = g.Arcs;
        var inStart = g.InStart;
        var inArc = g.InArc;
        var inTail = g.InTail;
        var stop = double.PositiveInfinity;
        SettledCount = 0;
        complete = true;
        while (heap.Count > 0)
        {
            var v = heap.Pop(out var d);
            if (settledStamp[v] == gen || d > tentative[v]) continue;
            if (d > stop)
            {
                complete = false;
                radius = d;
                break;
            }
            settledStamp[v] = gen;
            settled[v] = d;
            SettledCount++;
            if (v == source) stop = Math.Max(d * stretch, d + 1e-9);
            for (var i = inStart[v]; i < inStart[v + 1]; i++)
            {
                var u = inTail[i];
                if (!filter.AllowsNode(u) || settledStamp[u] == gen) continue;
                ref readonly var arc = ref arcs[inArc[i]];
                if (!filter.Allows(arc)) continue;
                var nd = d + ShortestPath.Weight(arc, c);
                if (tentativeStamp[u] != gen || nd < tentative[u])
                {
                    tentativeStamp[u] = gen;
                    tentative[u] = nd;
                    next[u] = inArc[i];
                    heap.Push(nd, u);
                }
            }
        }
        return settledStamp[source] == gen;
    }

    /// <summary>Lower bound on the criterion from node to target; infinity when the node cannot reach it.</summary>
    public double Bound(int node) =>
        settledStamp[node] == generation ? settled[node] : complete ? double.PositiveInfinity : radius;

    /// <summary>The single-criterion optimal arc sequence from a settled node to the target.</summary>
    public int[] PathFrom(NetworkGraph g, int node)
    {
        var path = new List<int>();
        while (next[node] >= 0)
        {
            path.Add(next[node]);
            node = g.Arcs[next[node]].Head;
        }
        return path.ToArray();
    }

    private void Reset(int n)
    {
        if (settled.Length < n)
        {
            tentative = new double[n];
            tentativeStamp = new int[n];
            settled = new double[n];
            settledStamp = new int[n];
            next = new int[n];
            generation = 0;
        }
        heap.Clear();
        if (++generation == int.MaxValue)
        {
            Array.Clear(tentativeStamp);
            Array.Clear(settledStamp);
            generation = 1;
        }
    }
}
