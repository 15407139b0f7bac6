using System.Diagnostics;
using TradeHub.Routing.Network;

namespace TradeHub.Routing.Routes;

/// <summary>How exact a search must be and how long it may take.</summary>
public sealed record SearchOptions
{
    /// <summary>End-to-end epsilon used when the search is not exact.</summary>
    public double Epsilon { get; init; } = 0.02;
    /// <summary>Networks up to this many nodes are always searched exactly (the corridor network).</summary>
    public int ExactNetworkNodes { get; init; } = 4_000;
    /// <summary>
    /// On larger networks a query is exact when its fastest route takes at most this share of the network's reach
    /// (the longest fastest route from a landmark); longer queries are epsilon-approximate.
    /// </summary>
    public double ExactReachShare { get; init; } = 0.25;
    /// <summary>Force exact (0) or a given epsilon regardless of size; null = decide as above.</summary>
    public double? ForceEpsilon { get; init; }
    /// <summary>After this long the best set found so far is returned (exact = false, a-posteriori epsilon).</summary>
    public TimeSpan? Budget { get; init; } = TimeSpan.FromMilliseconds(250);
    public int MaxLabels { get; init; } = 4_000_000;
    /// <summary>Approximate (long) queries compute exact bounds to the target per query instead of landmarks.</summary>
    public bool ExactBoundsWhenApproximate { get; init; } = true;
    /// <summary>Approximate queries: at most this many weighted-sum routes before the label search takes over.</summary>
    public int MaxWeightedRoutes { get; init; } = 200;
    /// <summary>
    /// Approximate queries only: the fast heuristic label search (ParetoSearch.Heuristic.cs) with this per-node
    /// epsilon: a label is dropped at a node when a label already settled there is within (1 + LabelEpsilon) of it on
    /// every criterion. That compounds over hops, so it is NOT a guarantee: the answer's epsilon is what the found
    /// set proves, and the measured true epsilon is in docs/routing-benchmarks.md. null = the sound A*pex search.
    /// </summary>
    public double? LabelEpsilon { get; init; } = 0.005;
    /// <summary>Heuristic path: epsilon of the target pruning (a label is dropped when found routes cover all its
    /// completions within 1 + this; sound given the found routes). null = half of <see cref="Epsilon"/>.</summary>
    public double? CoverEpsilon { get; init; }
    /// <summary>Heuristic path: weighted-sum routes before the label search.</summary>
    public int HeuristicWeightedRoutes { get; init; } = 20;
    /// <summary>Heuristic path: the weighted-sum routes are searched on the nodes of the seed routes and their
    /// neighbours up to this many legs away (-1 = the whole graph). Held to a corridor, a route's least value is
    /// not proven, so the certificate uses the bounds at the source for it instead.</summary>
    public int WeightedCorridorHops { get; init; } = 5;
    /// <summary>Heuristic path with <see cref="WeightedCorridorHops"/>: whole-graph weighted-sum routes after the label
    /// search, aimed where the certificate is worst, so the answer's proven epsilon stays close to what it achieves.</summary>
    public int ProofRoutes { get; init; }
    /// <summary>Heuristic path: the label search runs on the nodes of the routes found first and their neighbours up to
    /// this many legs away (-1 = the whole graph).</summary>
    public int CorridorHops { get; init; }
    /// <summary>Heuristic path: at most this many labels settled per node.</summary>
    public int MaxLabelsPerNode { get; init; } = int.MaxValue;

    public static readonly SearchOptions Default = new();
    /// <summary>Exact, or with ForceEpsilon the sound A*pex approximation (no heuristic), no budget.</summary>
    public static readonly SearchOptions Exact = new() { ForceEpsilon = 0, Budget = null, LabelEpsilon = null };
}

/// <summary>A route found by the search: arcs of the graph and its totals per FEU.</summary>
public sealed record ParetoPath(int[] Arcs, double Hours, double Usd, double Co2);

/// <summary>
/// A search's answer. Epsilon is always proven (every route, exact Pareto or not, is within 1 + Epsilon of a
/// returned one). LabelEpsilon is set when the heuristic fast path produced the set: the per-node pruning it used,
/// a setting and not a guarantee.
/// </summary>
public sealed record ParetoResult(IReadOnlyList<ParetoPath> Paths, bool Reachable, bool Exact, double Epsilon, int Labels,
    double? LabelEpsilon = null);

/// <summary>Where the last search's time went (Stopwatch ticks), for profiling: bounds, seeds, weighted routes, labels.</summary>
public record struct SearchPhases(long Bounds, long Seeds, long Weighted, long Labels);

/// <summary>
/// Multi-criteria route search (hours, USD, kg CO2). Short queries (the corridor network, regional queries) are
/// exact; long ones are epsilon-approximate with a guarantee that holds end to end.
/// <list type="bullet">
/// <item>Lower bounds to the target come from <see cref="LowerBounds"/>, prepared once per graph, so a short query
/// runs no bound search of its own; a long query computes exact bounds per query (one reverse Dijkstra per
/// metric), which pays off over its many weighted routes.</item>
/// <item>Start: an A* route per criterion and per blend seeds the found set; the fastest also tells whether the
/// target is reachable at all, and its hours decide exact or approximate.</item>
/// <item>Long queries then add weighted-sum routes aimed at the worst uncovered corner and stop as soon as they
/// prove the epsilon asked for (ParetoSearch.Sampling.cs). Only when they cannot (gaps in a non-convex front)
/// does the label search below run, until it finishes or the budget ends.</item>
/// <item>Label search, NAMOA* with A*pex apex-path pairs. Labels are popped by the normalised sum of apex + bound.
/// A label is dropped when every completion it could still have is covered by a found route within (1 + eps)
/// (<see cref="SolutionCover"/>: the completions lie above apex + per-criterion bounds and above the blend
/// bounds).</item>
/// <item>Approximation without compounding: a label is an apex (componentwise minimum of every path merged into
/// it, a lower bound on all of them) and one representative path. Two open labels at a node merge only when the
/// representative is within (1 + eps) of the merged apex on every criterion, measured on apex + bound. Extending
/// both by the same leg keeps rep - apex constant while apex + bound does not fall, so the ratio holds up to the
/// target: every exact Pareto route is within (1 + eps) of a returned route end to end, whatever the hop count.
/// With eps = 0 merging is plain dominance and the search is exact.</item>
/// <item>The answer's epsilon is the one proven: eps when the label search finishes, else the smaller of what the
/// weighted routes prove and what the found set achieves over the labels still open.</item>
/// </list>
/// Working memory is flat struct arrays reused per thread.
/// </summary>
public sealed partial class ParetoSearch
{
    private struct Label
    {
        public int Node;
        public int Path;
        public int Next;
        public byte State; // 0 open, 1 closed, 2 dead
        public double AH, AC, AE; // apex
        public double RH, RC, RE; // representative
    }

    private struct Step
    {
        public int Parent;
        public int Arc;
    }

    private struct Solution
    {
        public int Path;
        public double RH, RC, RE;
    }

    [ThreadStatic] private static ParetoSearch? perThread;
    public static ParetoSearch ForThread => perThread ??= new ParetoSearch();

    private static readonly int Metrics = LowerBounds.Metrics;
    private readonly MinHeap heap = new();
    private readonly MinHeap nodeHeap = new(); // tracks its nodes: the exact bounds' reverse Dijkstras
    private readonly SolutionCover cover = new();
    private LowerBounds bounds = null!;
    private double[] targetRow = [];
    private int target;
    private Label[] labels = new Label[1024];
    private int labelCount;
    private Step[] steps = new Step[1024];
    private int stepCount;
    private Solution[] solutions = new Solution[64];
    private int solutionCount;
    private int[] openHead = [];
    private int[] closedHead = [];
    private int[] nodeStamp = [];
    private int[] closedCount = [];
    /// <summary>Lower bounds of touched nodes: [node * Metrics + metric].</summary>
    private double[] bound = [];
    // Componentwise minimum of the closed apexes at a node: most labels are better than that on some criterion,
    // so one test spares the scan of the list.
    private double[] closedMinH = [], closedMinC = [], closedMinE = [];
    /// <summary>Merging is optional (skipping one only costs labels), so only the newest open labels are tried.</summary>
    private const int MergeScan = 24;
    private int generation;
    private double wH, wC, wE;
    private double slack;
    private bool exactBounds;
    private double[] scratch = [];
    /// <summary>Long queries: the exact bounds' shortest-path trees, [metric * n + node] (see LowerBounds.ExactToTarget).</summary>
    private int[] toward = [];

    /// <summary>Where the last search's time went (see <see cref="SearchPhases"/>).</summary>
    public SearchPhases LastPhases { get; private set; }

    public ParetoResult Search(NetworkGraph g, int source, int target, RouteFilter filter, SearchOptions options)
    {
        if (source == target) throw new ArgumentException("source equals target", nameof(source));
        Reset(g.NodeCount);
        bounds = LowerBounds.For(g);
        this.target = target;
        if (targetRow.Length < bounds.TargetRowLength) targetRow = new double[bounds.TargetRowLength];
        bounds.PrepareTarget(target, targetRow);
        cover.Reset(bounds.Blend);

        found.Reset(bounds.Blend);
        weightedLeast.Clear();
        foundPoints.Clear();
        var started = Stopwatch.GetTimestamp();
        var deadline = options.Budget is { } budget ? started + (long)(budget.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;

        // A query whose landmark bound on hours already makes it long skips straight to the exact bounds, whose
        // trees give the fastest route and the other seeds; otherwise the fastest route (A*) decides exact or
        // approximate. No fastest route means no route at all.
        exactBounds = false;
        slack = 1;
        var eps = options.ForceEpsilon
            ?? (g.NodeCount > options.ExactNetworkNodes && HoursBound(source) > options.ExactReachShare * bounds.ExtentHours ? options.Epsilon : (double?)null);
        (int Path, double H, double C, double E) fastest = default;
        var fastestHours = 0.0;
        if (eps is null or 0 || !options.ExactBoundsWhenApproximate)
        {
            if (!LeastWeighted(g, source, filter, 1, 0, 0, 0, out fastest, out fastestHours, out _))
                return new ParetoResult([], false, true, 0, 0);
            eps ??= g.NodeCount <= options.ExactNetworkNodes || fastest.H <= options.ExactReachShare * bounds.ExtentHours ? 0 : options.Epsilon;
        }
        if (eps > 0 && options.ExactBoundsWhenApproximate)
        {
            // Long query: exact distances to the target on every metric make each weighted route a near-straight walk.
            exactBounds = true;
            if (toward.Length < Metrics * g.NodeCount) toward = new int[Metrics * g.NodeCount];
            bounds.ExactToTarget(g, source, target, filter, bound, toward, scratch, nodeHeap);
            if (!TreeRoute(g, source, 0, out fastest, out fastestHours)) return new ParetoResult([], false, true, 0, 0);
        }
        var epsilon = eps.Value;
        var boundsDone = Stopwatch.GetTimestamp();
        LastPhases = new SearchPhases(boundsDone - started, 0, 0, 0);
        optimum[0] = fastest.H;
        AddWeighted(1, 0, 0, fastest, fastestHours, fastestHours);

        // Seeds: the least route on the other criteria and on every blend.
        for (var m = 1; m < Metrics; m++)
        {
            double w0 = 0, w1 = m == 1 ? 1 : 0, w2 = m == 2 ? 1 : 0;
            if (m >= LowerBounds.Criteria) (w0, w1, w2) = (bounds.Blend[m - 3][0], bounds.Blend[m - 3][1], bounds.Blend[m - 3][2]);
            var reached = exactBounds
                ? TreeRoute(g, source, m, out var route, out var least)
                : LeastWeighted(g, source, filter, w0, w1, w2, m, out route, out least, out _);
            if (!reached) continue; // cannot happen: the fastest exists
            if (m < LowerBounds.Criteria) optimum[m] = m == 1 ? route.C : route.E;
            AddWeighted(w0, w1, w2, route, least, least);
        }
        wH = 1 / Math.Max(optimum[0], 1e-9);
        wC = 1 / Math.Max(optimum[1], 1e-9);
        wE = 1 / Math.Max(optimum[2], 1e-9);
        LastPhases = LastPhases with { Seeds = Stopwatch.GetTimestamp() - boundsDone };

        var certified = double.PositiveInfinity;
        if (epsilon > 0 && options.LabelEpsilon is { } labelEpsilon)
            return HeuristicSearch(g, source, filter, epsilon, labelEpsilon, options, started, deadline);
        if (epsilon > 0)
        {
            // Long query: weighted-sum routes first; when they already prove epsilon, they are the answer.
            certified = SampleUntil(g, source, filter, epsilon, options.MaxWeightedRoutes, deadline);
            if (certified <= epsilon) return new ParetoResult(CollectSolutions(g), true, false, Math.Max(certified, 0), labelCount);
        }

        // Label search: re-seed the coverage test with the routes found so far, scaled by the search's epsilon.
        slack = 1 + epsilon;
        cover.Reset(bounds.Blend);
        for (var i = 0; i < solutionCount; i++) cover.Add(solutions[i].RH / slack, solutions[i].RC / slack, solutions[i].RE / slack);

        Touch(source);
        var start = NewLabel(source, -1, 0, 0, 0, 0, 0, 0);
        labels[start].Next = openHead[source];
        openHead[source] = start;
        heap.Push(Key(start), start);

        var graphArcs = g.Arcs;
        var outStart = g.OutStart;
        var pops = 0;
        var stopped = false;
        Span<double> point = stackalloc double[Metrics];
        while (heap.Count > 0)
        {
            if ((++pops & 255) == 0 && (Stopwatch.GetTimestamp() > deadline || labelCount > options.MaxLabels))
            {
                stopped = true;
                break;
            }
            var li = heap.Pop(out var key);
            ref var l = ref labels[li];
            if (l.State != 0 || key != Key(li)) continue;
            var u = l.Node;
            if (Covered(u, l.AH, l.AC, l.AE, point) || DominatedByClosed(u, l.AH, l.AC, l.AE))
            {
                l.State = 2;
                Unlink(ref openHead[u], li);
                continue;
            }
            Unlink(ref openHead[u], li);
            Settle(ref l, li, l.AH, l.AC, l.AE);
            if (u == target)
            {
                AddSolution(l.Path, l.RH, l.RC, l.RE);
                continue;
            }
            double aH = l.AH, aC = l.AC, aE = l.AE, rH = l.RH, rC = l.RC, rE = l.RE;
            var path = l.Path;
            for (var a = outStart[u]; a < outStart[u + 1]; a++)
            {
                ref readonly var arc = ref graphArcs[a];
                if (!filter.Allows(arc)) continue;
                var v = arc.Head;
                Touch(v);
                if (double.IsPositiveInfinity(bound[v * Metrics])) continue;
                double nH = aH + arc.Hours, nC = aC + arc.Usd, nE = aE + arc.Co2;
                if (DominatedByClosed(v, nH, nC, nE)) continue;
                if (Covered(v, nH, nC, nE, point)) continue;
                double qH = rH + arc.Hours, qC = rC + arc.Usd, qE = rE + arc.Co2;
                if (!MergeIntoOpen(v, a, path, nH, nC, nE, qH, qC, qE))
                {
                    var ni = NewLabel(v, NewStep(path, a), nH, nC, nE, qH, qC, qE);
                    labels[ni].Next = openHead[v];
                    openHead[v] = ni;
                    heap.Push(Key(ni), ni);
                }
            }
        }

        var achieved = epsilon;
        if (stopped) achieved = Math.Min(certified, Math.Max(epsilon, PosterioriEpsilon()));
        return new ParetoResult(CollectSolutions(g), true, !stopped && epsilon == 0, achieved, labelCount);
    }

    /// <summary>The landmark (or all-pairs) lower bound on the hours from source to the target.</summary>
    private double HoursBound(int source)
    {
        Span<double> atSource = stackalloc double[Metrics];
        bounds.Bounds(source, target, targetRow, atSource);
        return atSource[0];
    }

    /// <summary>
    /// The least route on a metric read off the exact bounds' tree (long queries), with its least value (a hair
    /// lower, as <see cref="LeastWeighted"/>); false when the target cannot be reached.
    /// </summary>
    private bool TreeRoute(NetworkGraph g, int source, int metric, out (int Path, double H, double C, double E) route, out double least)
    {
        route = default;
        least = bound[source * Metrics + metric];
        if (double.IsPositiveInfinity(least)) return false;
        var arcs = g.Arcs;
        var tree = metric * g.NodeCount;
        double h = 0, c = 0, e = 0;
        var p = -1;
        for (var v = source; v != target;)
        {
            var a = toward[tree + v];
            ref readonly var arc = ref arcs[a];
            h += arc.Hours; c += arc.Usd; e += arc.Co2;
            p = NewStep(p, a);
            v = arc.Head;
        }
        route = (p, h, c, e);
        var onRoute = metric < LowerBounds.Criteria ? (metric == 0 ? h : metric == 1 ? c : e) : bounds.Combine(metric - LowerBounds.Criteria, h, c, e);
        least = Math.Min(least, onRoute) * (1 - 1e-12);
        return true;
    }

    /// <summary>Whether every completion of an apex at node v is covered by a found route within (1 + eps).</summary>
    private bool Covered(int v, double h, double c, double e, Span<double> point)
    {
        var at = v * Metrics;
        point[0] = h + bound[at];
        point[1] = c + bound[at + 1];
        point[2] = e + bound[at + 2];
        for (var k = 0; k < LowerBounds.Blends; k++)
            point[3 + k] = bounds.Combine(k, h, c, e) + bound[at + 3 + k];
        return cover.Covers(point);
    }

    private double Key(int li)
    {
        ref readonly var l = ref labels[li];
        var u = l.Node;
        var at = u * Metrics;
        return wH * (l.AH + bound[at]) + wC * (l.AC + bound[at + 1]) + wE * (l.AE + bound[at + 2]);
    }

    private void Touch(int v)
    {
        if (nodeStamp[v] == generation) return;
        nodeStamp[v] = generation;
        openHead[v] = -1;
        closedHead[v] = -1;
        closedMinH[v] = closedMinC[v] = closedMinE[v] = double.PositiveInfinity;
        closedCount[v] = 0;
        if (!exactBounds) bounds.Bounds(v, target, targetRow, bound.AsSpan(v * Metrics, Metrics));
    }

    private bool DominatedByClosed(int v, double h, double c, double e)
    {
        if (closedMinH[v] > h || closedMinC[v] > c || closedMinE[v] > e) return false;
        for (var i = closedHead[v]; i >= 0; i = labels[i].Next)
        {
            ref readonly var k = ref labels[i];
            if (k.AH <= h && k.AC <= c && k.AE <= e) return true;
        }
        return false;
    }

    /// <summary>Merges the new path into an open label at v when one representative covers both (see class remarks).</summary>
    private bool MergeIntoOpen(int v, int arc, int parentPath, double nH, double nC, double nE,
        double qH, double qC, double qE)
    {
        double bH = bound[v * Metrics], bC = bound[v * Metrics + 1], bE = bound[v * Metrics + 2];
        var scanned = 0;
        for (var i = openHead[v]; i >= 0 && scanned++ < MergeScan; i = labels[i].Next)
        {
            ref var o = ref labels[i];
            double mH = Math.Min(o.AH, nH), mC = Math.Min(o.AC, nC), mE = Math.Min(o.AE, nE);
            double lH = slack * (mH + bH), lC = slack * (mC + bC), lE = slack * (mE + bE);
            bool changed = mH < o.AH || mC < o.AC || mE < o.AE;
            if (o.RH + bH <= lH && o.RC + bC <= lC && o.RE + bE <= lE)
            {
                if (!changed) return true;
                o.AH = mH; o.AC = mC; o.AE = mE;
                heap.Push(Key(i), i);
                return true;
            }
            if (qH + bH <= lH && qC + bC <= lC && qE + bE <= lE)
            {
                o.AH = mH; o.AC = mC; o.AE = mE;
                o.RH = qH; o.RC = qC; o.RE = qE;
                o.Path = NewStep(parentPath, arc);
                if (changed) heap.Push(Key(i), i);
                return true;
            }
        }
        return false;
    }

    private void AddSolution(int path, double h, double c, double e)
    {
        for (var i = 0; i < solutionCount; i++)
        {
            ref readonly var s = ref solutions[i];
            if (s.RH <= h && s.RC <= c && s.RE <= e) return; // already have as good a route
        }
        // Drop the found routes the new one dominates; they pruned soundly, the new one covers what they covered.
        var w = 0;
        for (var i = 0; i < solutionCount; i++)
        {
            ref readonly var s = ref solutions[i];
            if (!(h <= s.RH && c <= s.RC && e <= s.RE)) solutions[w++] = s;
        }
        solutionCount = w;
        cover.Add(h / slack, c / slack, e / slack);
        if (solutionCount == solutions.Length) Array.Resize(ref solutions, solutionCount * 2);
        solutions[solutionCount++] = new Solution { Path = path, RH = h, RC = c, RE = e };
    }

    /// <summary>After a stop: the epsilon the found set achieves over everything still open.</summary>
    private double PosterioriEpsilon()
    {
        var worst = 0.0;
        for (var slot = 0; slot < heap.Count; slot++)
        {
            var li = heap.ItemAt(slot);
            ref readonly var l = ref labels[li];
            if (l.State != 0) continue;
            var u = l.Node;
            var at = u * Metrics;
            double fH = l.AH + bound[at], fC = l.AC + bound[at + 1], fE = l.AE + bound[at + 2];
            var best = double.PositiveInfinity;
            for (var i = 0; i < solutionCount; i++)
            {
                ref readonly var s = ref solutions[i];
                var ratio = Math.Max(Ratio(s.RH, fH), Math.Max(Ratio(s.RC, fC), Ratio(s.RE, fE)));
                best = Math.Min(best, ratio);
            }
            worst = Math.Max(worst, best - 1);
        }
        return worst;
    }

    private static double Ratio(double have, double bound) =>
        have <= bound ? 1 : bound <= 0 ? double.PositiveInfinity : have / bound;

    private List<ParetoPath> CollectSolutions(NetworkGraph g)
    {
        var result = new List<ParetoPath>(solutionCount);
        var buffer = new List<int>();
        for (var i = 0; i < solutionCount; i++)
        {
            ref readonly var s = ref solutions[i];
            buffer.Clear();
            for (var p = s.Path; p >= 0; p = steps[p].Parent) buffer.Add(steps[p].Arc);
            buffer.Reverse();
            result.Add(new ParetoPath(buffer.ToArray(), s.RH, s.RC, s.RE));
        }
        return result;
    }

    private int NewLabel(int node, int path, double aH, double aC, double aE, double rH, double rC, double rE)
    {
        if (labelCount == labels.Length) Array.Resize(ref labels, labelCount * 2);
        labels[labelCount] = new Label
        {
            Node = node, Path = path, Next = -1, State = 0,
            AH = aH, AC = aC, AE = aE, RH = rH, RC = rC, RE = rE,
        };
        return labelCount++;
    }

    private int NewStep(int parent, int arc)
    {
        if (stepCount == steps.Length) Array.Resize(ref steps, stepCount * 2);
        steps[stepCount] = new Step { Parent = parent, Arc = arc };
        return stepCount++;
    }

    /// <summary>Settles a label at its node: closed there, and the node's componentwise minimum of closed values lowered.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void Settle(ref Label l, int li, double h, double c, double e)
    {
        var u = l.Node;
        l.State = 1;
        l.Next = closedHead[u];
        closedHead[u] = li;
        closedCount[u]++;
        if (h < closedMinH[u]) closedMinH[u] = h;
        if (c < closedMinC[u]) closedMinC[u] = c;
        if (e < closedMinE[u]) closedMinE[u] = e;
    }

    private void Unlink(ref int head, int li)
    {
        if (head == li)
        {
            head = labels[li].Next;
            return;
        }
        for (var i = head; i >= 0; i = labels[i].Next)
        {
            if (labels[i].Next != li) continue;
            labels[i].Next = labels[li].Next;
            return;
        }
    }

    private void Reset(int n)
    {
        if (nodeStamp.Length < n)
        {
            openHead = new int[n];
            closedHead = new int[n];
            nodeStamp = new int[n];
            closedCount = new int[n];
            bound = new double[n * Metrics];
            scratch = new double[n];
            closedMinH = new double[n];
            closedMinC = new double[n];
            closedMinE = new double[n];
            generation = 0;
        }
        if (++generation == int.MaxValue)
        {
            Array.Clear(nodeStamp);
            generation = 1;
        }
        heap.Clear();
        labelCount = 0;
        stepCount = 0;
        solutionCount = 0;
        // Keep memory bounded after a huge query.
        if (labels.Length > 1 << 20) labels = new Label[1024];
        if (steps.Length > 1 << 20) steps = new Step[1024];
    }
}
