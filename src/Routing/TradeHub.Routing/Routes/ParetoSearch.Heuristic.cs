using System.Diagnostics;
using TradeHub.Routing.Network;

namespace TradeHub.Routing.Routes;

/// <summary>
/// The fast path for approximate (long) queries: empirically tight, not proven (measured against reference sets in
/// docs/routing-benchmarks.md: true epsilon about 1.2-2.1 % for the default settings, at about 3x one QuikGraph
/// Dijkstra).
/// <list type="bullet">
/// <item>Weighted-sum routes first (<see cref="SearchOptions.HeuristicWeightedRoutes"/>, aimed at the worst corner
/// as in ParetoSearch.Sampling.cs), searched on the seed routes' nodes and their neighbours up to
/// <see cref="SearchOptions.WeightedCorridorHops"/> legs away: an A* there settles about half the nodes one on the whole
/// graph does (the bounds for a mixed weight are loose, so a whole-graph A* wanders). Their least values then hold
/// only in that corridor; the certificate uses min(least, cheapest exit from the corridor) instead, which is proven
/// but much weaker (see the last item). When they already prove the epsilon asked for, they are the answer.</item>
/// <item>Then a label search on the corridor those routes span: the nodes they use and their neighbours up to
/// <see cref="SearchOptions.CorridorHops"/> legs away. It recombines and bends them, which fills the gaps between
/// weighted-sum routes (the non-supported Pareto routes); routes leaving the corridor are not searched.</item>
/// <item>Per-node pruning with a small epsilon: a label is dropped at a node when a label already settled there is
/// within (1 + LabelEpsilon) of it on every criterion. Its completions are then within (1 + LabelEpsilon) of the
/// settled label's same completions, but that label may itself be dropped further on, so the factor can compound
/// over hops: a setting, not a guarantee.</item>
/// <item>Target pruning as in the sound search: a label is dropped when the routes found cover every completion it
/// could still have within (1 + CoverEpsilon) (<see cref="SolutionCover"/>, label + exact bounds). That part is end
/// to end and does not compound.</item>
/// <item>Labels pop by the normalised sum of their totals + bounds (consistent bounds: a label popped later
/// cannot dominate one settled earlier at its node, so only settled labels are tested).</item>
/// <item>The answer's epsilon is the one the found set proves (single-criterion optima and the weighted-sum least
/// values bound every route, ParetoSearch.Sampling.cs; the found routes cover that region within it): sound over
/// all routes of the graph, usually larger than the true epsilon (with the weighted corridor about 25-35 % proven
/// for about 1.5-1.9 % measured on the benchmark's long-haul pairs; <see cref="SearchOptions.ProofRoutes"/> adds
/// whole-graph weighted routes aimed where the proof is worst, 4 of them about 13 % proven; WeightedCorridorHops = -1
/// searches them all on the whole graph, about 2-3 % proven at some 0.3-0.7x QuikGraph more). The result's
/// LabelEpsilon names the setting.</item>
/// </list>
/// </summary>
public sealed partial class ParetoSearch
{
    private ParetoResult HeuristicSearch(NetworkGraph g, int source, RouteFilter filter, double eps, double labelEpsilon,
        SearchOptions options, long started, long deadline)
    {
        // Under a budget the weighted routes get at most 60 % of it, so a cut answer still has the corridor search's routes.
        var sampleDeadline = deadline == long.MaxValue ? deadline : started + (long)(0.6 * (deadline - started));
        var sampling = Stopwatch.GetTimestamp();
        var certified = options.HeuristicWeightedRoutes > 0
            ? SampleUntil(g, source, filter, eps, options.HeuristicWeightedRoutes, sampleDeadline,
                options.WeightedCorridorHops >= 0 ? Corridor(g, source, filter, options.WeightedCorridorHops) : null)
            : CertifiedEpsilon(out _, skipStuck: false);
        var labelling = Stopwatch.GetTimestamp();
        LastPhases = LastPhases with { Weighted = labelling - sampling };
        if (certified <= eps) return new ParetoResult(CollectSolutions(g), true, false, Math.Max(certified, 0), labelCount);

        slack = 1 + (options.CoverEpsilon ?? eps / 2);
        cover.Reset(bounds.Blend);
        for (var i = 0; i < solutionCount; i++) cover.Add(solutions[i].RH / slack, solutions[i].RC / slack, solutions[i].RE / slack);
        var queryFilter = filter;
        if (options.CorridorHops >= 0) filter = Corridor(g, source, filter, options.CorridorHops);
        var near = 1 + labelEpsilon;
        var perNode = options.MaxLabelsPerNode;

        Touch(source);
        var start = NewLabel(source, -1, 0, 0, 0, 0, 0, 0);
        heap.Push(Key(start), start);
        var graphArcs = g.Arcs;
        var outStart = g.OutStart;
        var pops = 0;
        Span<double> point = stackalloc double[Metrics];
        while (heap.Count > 0)
        {
            if ((++pops & 255) == 0 && (Stopwatch.GetTimestamp() > deadline || labelCount > options.MaxLabels)) break;
            var li = heap.Pop(out _);
            ref var l = ref labels[li];
            var u = l.Node;
            if (closedCount[u] >= perNode || NearDominatedBySettled(u, l.RH, l.RC, l.RE, near) || Covered(u, l.RH, l.RC, l.RE, point))
            {
                l.State = 2;
                continue;
            }
            Settle(ref l, li, l.RH, l.RC, l.RE);
            if (u == target)
            {
                AddSolution(l.Path, l.RH, l.RC, l.RE);
                continue;
            }
            double rH = l.RH, rC = l.RC, rE = l.RE;
            var path = l.Path;
            for (var a = outStart[u]; a < outStart[u + 1]; a++)
            {
                ref readonly var arc = ref graphArcs[a];
                if (!filter.Allows(arc)) continue;
                var v = arc.Head;
                Touch(v);
                if (double.IsPositiveInfinity(bound[v * Metrics]) || closedCount[v] >= perNode) continue;
                double nH = rH + arc.Hours, nC = rC + arc.Usd, nE = rE + arc.Co2;
                if (NearDominatedBySettled(v, nH, nC, nE, near) || Covered(v, nH, nC, nE, point)) continue;
                var ni = NewLabel(v, NewStep(path, a), nH, nC, nE, nH, nC, nE);
                heap.Push(Key(ni), ni);
            }
        }

        // What the found set proves: every route lies above the optima and the weighted least values.
        for (var i = 0; i < solutionCount; i++)
        {
            ref readonly var s = ref solutions[i];
            found.Add(s.RH, s.RC, s.RE);
        }
        certified = options.WeightedCorridorHops >= 0
            ? ProveWithWeighted(g, source, queryFilter, eps, options.ProofRoutes, deadline)
            : CertifiedEpsilon(out _, skipStuck: false);
        LastPhases = LastPhases with { Labels = Stopwatch.GetTimestamp() - labelling };
        return new ParetoResult(CollectSolutions(g), true, false, Math.Max(certified, 0), labelCount, labelEpsilon);
    }

    private bool[] corridorBlocked = [];

    /// <summary>
    /// The query's filter narrowed to the nodes of the routes found so far and their neighbours up to `hops` legs
    /// away: the label search then only recombines and bends those routes (where the gaps between weighted-sum
    /// routes are filled).
    /// </summary>
    private RouteFilter Corridor(NetworkGraph g, int source, RouteFilter filter, int hops)
    {
        var n = g.NodeCount;
        if (corridorBlocked.Length < n) corridorBlocked = new bool[n];
        var blocked = corridorBlocked;
        Array.Fill(blocked, true, 0, n);
        blocked[source] = false;
        for (var i = 0; i < solutionCount; i++)
            for (var p = solutions[i].Path; p >= 0; p = steps[p].Parent)
                blocked[g.Arcs[steps[p].Arc].Head] = false;
        var arcs = g.Arcs;
        var outStart = g.OutStart;
        var frontier = new List<int>();
        for (var v = 0; v < n; v++)
            if (!blocked[v]) frontier.Add(v);
        for (var h = 0; h < hops; h++)
        {
            var next = new List<int>();
            foreach (var u in frontier)
                for (var a = outStart[u]; a < outStart[u + 1]; a++)
                {
                    var v = arcs[a].Head;
                    if (!blocked[v]) continue;
                    blocked[v] = false;
                    next.Add(v);
                }
            frontier = next;
        }
        if (filter.BlockedNodes is { } before)
            for (var v = 0; v < n; v++) blocked[v] |= before[v];
        return new RouteFilter { Modes = filter.Modes, BlockedNodes = blocked, BlockedLegs = filter.BlockedLegs };
    }

    private bool NearDominatedBySettled(int v, double h, double c, double e, double near)
    {
        double h1 = h * near, c1 = c * near, e1 = e * near;
        if (closedMinH[v] > h1 || closedMinC[v] > c1 || closedMinE[v] > e1) return false;
        for (var i = closedHead[v]; i >= 0; i = labels[i].Next)
        {
            ref readonly var k = ref labels[i];
            if (k.RH <= h1 && k.RC <= c1 && k.RE <= e1) return true;
        }
        return false;
    }
}
