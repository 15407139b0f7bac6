using System.Runtime.CompilerServices;
using TradeHub.Routing.Network;

namespace TradeHub.Routing.Routes;

/// <summary>
/// Lower bounds on the remaining hours, cost and CO2 (and on a few blends of them) from any node to any target,
/// prepared once per graph so a query runs no bound search of its own.
/// <list type="bullet">
/// <item>Small networks (the corridor network): exact distances between every pair of nodes.</item>
/// <item>Large networks: landmarks (ALT). Legs cost the same both ways, so for a landmark L the triangle inequality
/// gives d(v, t) &gt;= |d(L, t) - d(L, v)|; the largest over 16 landmarks is the bound.</item>
/// </list>
/// Both are computed on the unfiltered graph: closing legs or nodes only lengthens routes, so the bounds stay
/// admissible and consistent under any filter.
/// <para>Metrics 0-2 are hours, USD and kg CO2; the others are blends (weighted sums in units of the network's mean
/// leg). A blend bound says a route's remaining totals cannot all be low at once, which the ideal point of the
/// three single-criterion bounds cannot say (the fastest and the cheapest remainders are different routes).</para>
/// </summary>
internal sealed class LowerBounds
{
    /// <summary>Blend weights per criterion, relative to the network's mean leg hours, USD and CO2.</summary>
    private static readonly double[][] BlendShares = [[1, 1, 1], [3, 1, 1], [1, 3, 1], [1, 1, 3]];
    public const int Criteria = 3;
    public static readonly int Blends = BlendShares.Length;
    public static readonly int Metrics = Criteria + BlendShares.Length;
    private const int MaxLandmarks = 16;
    private const int AllPairsUpToNodes = 256;

    private static readonly ConditionalWeakTable<NetworkGraph, LowerBounds> PerGraph = new();

    /// <summary>Blend weight per criterion in raw units: Blend[k][c].</summary>
    public double[][] Blend { get; }
    /// <summary>Leg weight per metric: Weight[m][arc].</summary>
    public double[][] Weight { get; }
    public int Landmarks { get; }
    /// <summary>The longest fastest route (hours) from a landmark (or any node on small networks): the network's reach.</summary>
    public double ExtentHours { get; }
    /// <summary>Head node per arc, and the arc of the same leg the other way (compact copies for the reverse searches).</summary>
    private readonly int[] heads, twin;
    private readonly bool allPairs;
    private readonly int nodes;
    /// <summary>All pairs: [(target * n + node) * M + m]; landmarks: [(node * M + m) * L + l].</summary>
    private readonly double[] table;

    public static LowerBounds For(NetworkGraph g) => PerGraph.GetValue(g, static graph => new LowerBounds(graph));

    private LowerBounds(NetworkGraph g)
    {
        nodes = g.NodeCount;
        var arcs = g.Arcs;
        var mean = new double[Criteria];
        foreach (var arc in arcs)
        {
            mean[0] += arc.Hours;
            mean[1] += arc.Usd;
            mean[2] += arc.Co2;
        }
        for (var c = 0; c < Criteria; c++) mean[c] = arcs.Length == 0 ? 1 : Math.Max(mean[c] / arcs.Length, 1e-9);
        Blend = BlendShares.Select(s => new[] { s[0] / mean[0], s[1] / mean[1], s[2] / mean[2] }).ToArray();
        Weight = new double[Metrics][];
        for (var m = 0; m < Metrics; m++)
        {
            var w = Weight[m] = new double[arcs.Length];
            for (var a = 0; a < arcs.Length; a++) w[a] = Value(arcs[a], m);
        }

        heads = new int[arcs.Length];
        twin = new int[arcs.Length];
        for (var a = 0; a < arcs.Length; a++) heads[a] = arcs[a].Head;
        for (var u = 0; u < nodes; u++)
            for (var a = g.OutStart[u]; a < g.OutStart[u + 1]; a++)
            {
                var v = heads[a];
                for (var b = g.OutStart[v]; b < g.OutStart[v + 1]; b++)
                    if (heads[b] == u && arcs[b].Leg == arcs[a].Leg) twin[a] = b;
            }

        var dist = new double[nodes];
        var heap = new MinHeap();
        allPairs = nodes <= AllPairsUpToNodes;
        if (allPairs)
        {
            Landmarks = nodes;
            table = new double[nodes * nodes * Metrics];
            for (var t = 0; t < nodes; t++)
                for (var m = 0; m < Metrics; m++)
                {
                    Distances(g, Weight[m], t, dist, heap);
                    for (var v = 0; v < nodes; v++) table[(t * nodes + v) * Metrics + m] = dist[v];
                    if (m == 0) ExtentHours = Math.Max(ExtentHours, LongestFinite(dist));
                }
            return;
        }

        // Landmarks far apart (farthest-point on hours), then their distances on every metric.
        Landmarks = Math.Min(MaxLandmarks, nodes);
        table = new double[nodes * Metrics * Landmarks];
        var nearest = new double[nodes];
        Array.Fill(nearest, double.PositiveInfinity);
        Distances(g, Weight[0], 0, dist, heap);
        var next = Farthest(dist);
        for (var l = 0; l < Landmarks; l++)
        {
            var landmark = next;
            for (var m = 0; m < Metrics; m++)
            {
                Distances(g, Weight[m], landmark, dist, heap);
                for (var v = 0; v < nodes; v++) table[(v * Metrics + m) * Landmarks + l] = dist[v];
                if (m != 0) continue;
                ExtentHours = Math.Max(ExtentHours, LongestFinite(dist));
                for (var v = 0; v < nodes; v++) nearest[v] = Math.Min(nearest[v], dist[v]);
            }
            next = Farthest(nearest);
        }
    }

    /// <summary>The value of a leg on a metric (0-2: hours, USD, CO2; then the blends).</summary>
    public double Value(in Arc arc, int metric) => metric switch
    {
        0 => arc.Hours,
        1 => arc.Usd,
        2 => arc.Co2,
        _ => Combine(metric - Criteria, arc.Hours, arc.Usd, arc.Co2),
    };

    public double Combine(int blend, double hours, double usd, double co2)
    {
        var w = Blend[blend];
        return w[0] * hours + w[1] * usd + w[2] * co2;
    }

    /// <summary>What the per-node bound needs to know about the target (Metrics x Landmarks values).</summary>
    public void PrepareTarget(int target, double[] targetRow)
    {
        if (allPairs) return;
        for (var m = 0; m < Metrics; m++)
            for (var l = 0; l < Landmarks; l++)
                targetRow[m * Landmarks + l] = table[(target * Metrics + m) * Landmarks + l];
    }

    public int TargetRowLength => allPairs ? 0 : Metrics * Landmarks;

    /// <summary>Lower bounds from node to target on every metric, written to bound[0..Metrics).</summary>
    public void Bounds(int node, int target, double[] targetRow, Span<double> bound)
    {
        if (allPairs)
        {
            var at = (target * nodes + node) * Metrics;
            for (var m = 0; m < Metrics; m++) bound[m] = table[at + m];
            return;
        }
        for (var m = 0; m < Metrics; m++)
        {
            var best = 0.0;
            var row = (node * Metrics + m) * Landmarks;
            var t = m * Landmarks;
            for (var l = 0; l < Landmarks; l++)
            {
                double toTarget = targetRow[t + l], toNode = table[row + l];
                if (double.IsPositiveInfinity(toTarget) != double.IsPositiveInfinity(toNode))
                {
                    best = double.PositiveInfinity; // different components: no route at all
                    break;
                }
                if (double.IsPositiveInfinity(toTarget)) continue;
                var gap = Math.Abs(toTarget - toNode);
                if (gap > best) best = gap;
            }
            // Guard the subtraction's rounding so the bound never exceeds the true distance.
            bound[m] = double.IsPositiveInfinity(best) ? best : best * (1 - 1e-12);
        }
    }

    /// <summary>
    /// Exact distances to the target on every metric for every node (one reverse Dijkstra per metric, with the
    /// query's filter as a forward route from source sees it): bound[node * Metrics + metric]; and the shortest-path
    /// trees: toward[metric * n + node] is the arc out of node on its least route to the target (-1: none, or the
    /// target). Costs a full search per metric, so only for long queries.
    /// </summary>
    public void ExactToTarget(NetworkGraph g, int source, int target, RouteFilter filter, double[] bound, int[] toward,
        double[] dist, MinHeap heap)
    {
        var arcs = g.Arcs;
        var outStart = g.OutStart;
        var unfiltered = filter.IsNone;
        for (var m = 0; m < Metrics; m++)
        {
            // Legs cost the same both ways, so the arcs out of a node serve as the reverse graph; an arc u -> v
            // relaxed here is travelled v -> u by a route (its twin).
            var weight = Weight[m];
            var via = toward.AsSpan(m * nodes, nodes);
            Array.Fill(dist, double.PositiveInfinity, 0, nodes);
            via.Fill(-1);
            heap.TrackItems(nodes);
            if (filter.AllowsNode(target))
            {
                dist[target] = 0;
                heap.PushOrLower(0, target);
            }
            while (heap.Count > 0)
            {
                var u = heap.Pop(out var d);
                for (var a = outStart[u]; a < outStart[u + 1]; a++)
                {
                    var v = heads[a];
                    var nd = d + weight[a];
                    if (nd >= dist[v]) continue;
                    if (!unfiltered && (!filter.AllowsLeg(arcs[a]) || (v != source && !filter.AllowsNode(v)))) continue;
                    dist[v] = nd;
                    via[v] = twin[a];
                    heap.PushOrLower(nd, v);
                }
            }
            for (var v = 0; v < nodes; v++) bound[v * Metrics + m] = dist[v];
        }
    }

    private static double LongestFinite(double[] dist)
    {
        var longest = 0.0;
        foreach (var d in dist)
            if (d > longest && !double.IsPositiveInfinity(d)) longest = d;
        return longest;
    }

    private static int Farthest(double[] dist)
    {
        var best = 0;
        for (var v = 1; v < dist.Length; v++)
            if (dist[v] > dist[best]) best = v; // an unreachable node (infinity) becomes the next landmark
        return best;
    }

    private static void Distances(NetworkGraph g, double[] weight, int source, double[] dist, MinHeap heap)
    {
        Array.Fill(dist, double.PositiveInfinity);
        heap.Clear();
        dist[source] = 0;
        heap.Push(0, source);
        var arcs = g.Arcs;
        var outStart = g.OutStart;
        while (heap.Count > 0)
        {
            var u = heap.Pop(out var d);
            if (d > dist[u]) continue;
            for (var a = outStart[u]; a < outStart[u + 1]; a++)
            {
                var v = arcs[a].Head;
                var nd = d + weight[a];
                if (nd < dist[v])
                {
                    dist[v] = nd;
                    heap.Push(nd, v);
                }
            }
        }
    }
}
