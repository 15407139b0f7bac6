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

    public bool Allows(in Arc arc) => AllowsLeg(arc) && (BlockedNodes is null || !BlockedNodes[arc.Head]);

    /// <summary>The leg's mode is allowed and the leg is not closed (whatever its end nodes).</summary>
    public bool AllowsLeg(in Arc arc) => (arc.Mode & Modes) != 0 && (BlockedLegs is null || !BlockedLegs[arc.Leg]);

    /// <summary>Nothing filtered out.</summary>
    public bool IsNone => Modes == LegMode.All && BlockedNodes is null && BlockedLegs is null;

    public bool AllowsNode(int node) => BlockedNodes is null || !BlockedNodes[node];
}

/// <summary>
/// The project's own lean single-criterion Dijkstra over the CSR arrays: the floor the Pareto search is measured
/// against and the property tests' oracle.
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
