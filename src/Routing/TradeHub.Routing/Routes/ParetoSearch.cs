using System.Diagnostics;
using TradeHub.Routing.Network;

namespace TradeHub.Routing.Routes;

/// <summary>How exact a search must be and how long it may take.</summary>
public sealed record SearchOptions
{
    /// <summary>End-to-end epsilon used when the search is not exact.</summary>
    public double Epsilon { get; init; } = 0.02;
    /// <summary>
    /// Exact when the network, or the region the target's lower-bound search had to settle, has at most this many
    /// nodes (the corridor network is always exact); epsilon-approximate otherwise.
    /// </summary>
    public int ExactRegionNodes { get; init; } = 4_000;
    /// <summary>Force exact (0) or a given epsilon regardless of size; null = decide by size.</summary>
    public double? ForceEpsilon { get; init; }
    /// <summary>After this long the best set found so far is returned (exact = false, a-posteriori epsilon).</summary>
    public TimeSpan? Budget { get; init; } = TimeSpan.FromMilliseconds(250);
    /// <summary>The lower-bound searches settle nodes up to this multiple of the source's distance to the target.</summary>
    public double BoundStretch { get; init; } = 2.0;
    public int MaxLabels { get; init; } = 4_000_000;

    public static readonly SearchOptions Default = new();
    public static readonly SearchOptions Exact = new() { ForceEpsilon = 0, Budget = null };
}

/// <summary>A route found by the search: arcs of the graph and its totals per FEU.</summary>
public sealed record ParetoPath(int[] Arcs, double Hours, double Usd, double Co2);

public sealed record ParetoResult(IReadOnlyList<ParetoPath> Paths, bool Reachable, bool Exact, double Epsilon, int Labels);

/// <summary>
/// Multi-criteria label-setting search (hours, USD, kg CO2) in the style of NAMOA* with A*pex apex-path pairs:
/// <list type="bullet">
/// <item>Lower bounds to the target come from three truncated reverse Dijkstras (one per criterion); labels are
/// popped by the normalised sum of apex + bound, a monotone order, so a popped label is never dominated later.</item>
/// <item>Target pruning: a label whose apex + bound is covered by a found route is dropped; the three
/// single-criterion optimal routes seed the found set, so pruning starts at once.</item>
/// <item>Approximation without compounding: a label is an apex (componentwise minimum of every path merged into
/// it, a lower bound on all of them) and one representative path. Two open labels at a node merge only when the
/// representative is within (1 + eps) of the merged apex on every criterion, measured on apex + bound. Extending
/// both by the same leg keeps rep - apex constant while apex + bound does not fall, so the ratio holds up to the
/// target: every exact Pareto route is within (1 + eps) of a returned route end to end, whatever the hop count.
/// With eps = 0 merging is plain dominance and the search is exact.</item>
/// </list>
/// Working memory is flat struct arrays reused per thread.
/// </summary>
public sealed class ParetoSearch
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

    private readonly TargetBounds[] bounds = [new(), new(), new()];
    private readonly MinHeap heap = new();
    private Label[] labels = new Label[1024];
    private int labelCount;
    private Step[] steps = new Step[1024];
    private int stepCount;
    private Solution[] solutions = new Solution[64];
    private int solutionCount;
    private int[] openHead = [];
    private int[] closedHead = [];
    private int[] nodeStamp = [];
    private double[] hH = [], hC = [], hE = [];
    // Componentwise minimum of the closed apexes at a node and of the found routes: most labels are better than
    // that on some criterion, so one test spares the scan of the list.
    private double[] closedMinH = [], closedMinC = [], closedMinE = [];
    private double solMinH, solMinC, solMinE;
    /// <summary>Merging is optional (skipping one only costs labels), so only the newest open labels are tried.</summary>
    private const int MergeScan = 24;
    private int generation;
    private double wH, wC, wE;

    public ParetoResult Search(NetworkGraph g, int source, int target, RouteFilter filter, SearchOptions options)
    {
        if (source == target) throw new ArgumentException("source equals target", nameof(source));
        Reset(g.NodeCount);
        for (var c = 0; c < 3; c++)
            if (!bounds[c].Compute(g, source, target, (Criterion)c, filter, options.BoundStretch))
                return new ParetoResult([], false, true, 0, 0);

        var region = Math.Max(bounds[0].SettledCount, Math.Max(bounds[1].SettledCount, bounds[2].SettledCount));
        var eps = options.ForceEpsilon
            ?? (g.NodeCount <= options.ExactRegionNodes || region <= options.ExactRegionNodes ? 0 : options.Epsilon);
        var slack = 1 + eps;

        // Cache the bounds of nodes as the search reaches them (one array read per criterion afterwards).
        var n = g.NodeCount;
        wH = 1 / Math.Max(bounds[0].Bound(source), 1e-9);
        wC = 1 / Math.Max(bounds[1].Bound(source), 1e-9);
        wE = 1 / Math.Max(bounds[2].Bound(source), 1e-9);

        for (var c = 0; c < 3; c++) Seed(g, bounds[c].PathFrom(g, source));

        Touch(source);
        var start = NewLabel(source, -1, 0, 0, 0, 0, 0, 0);
        labels[start].Next = openHead[source];
        openHead[source] = start;
        heap.Push(Key(start), start);

        var deadline = options.Budget is { } budget ? Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        var arcs = g.Arcs;
        var outStart = g.OutStart;
        var pops = 0;
        var stopped = false;
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
            double fH = l.AH + hH[u], fC = l.AC + hC[u], fE = l.AE + hE[u];
            if (CoveredBySolutions(fH, fC, fE, slack) || DominatedByClosed(u, l.AH, l.AC, l.AE))
            {
                l.State = 2;
                Unlink(ref openHead[u], li);
                continue;
            }
            l.State = 1;
            Unlink(ref openHead[u], li);
            l.Next = closedHead[u];
            closedHead[u] = li;
            if (l.AH < closedMinH[u]) closedMinH[u] = l.AH;
            if (l.AC < closedMinC[u]) closedMinC[u] = l.AC;
            if (l.AE < closedMinE[u]) closedMinE[u] = l.AE;
            if (u == target)
            {
                AddSolution(l.Path, l.RH, l.RC, l.RE);
                continue;
            }
            double aH = l.AH, aC = l.AC, aE = l.AE, rH = l.RH, rC = l.RC, rE = l.RE;
            var path = l.Path;
            for (var a = outStart[u]; a < outStart[u + 1]; a++)
            {
                ref readonly var arc = ref arcs[a];
                if (!filter.Allows(arc)) continue;
                var v = arc.Head;
                Touch(v);
                if (double.IsPositiveInfinity(hH[v])) continue;
                double nH = aH + arc.Hours, nC = aC + arc.Usd, nE = aE + arc.Co2;
                if (CoveredBySolutions(nH + hH[v], nC + hC[v], nE + hE[v], slack)) continue;
                if (DominatedByClosed(v, nH, nC, nE)) continue;
                double qH = rH + arc.Hours, qC = rC + arc.Usd, qE = rE + arc.Co2;
                if (!MergeIntoOpen(v, a, path, nH, nC, nE, qH, qC, qE, slack))
                {
                    var ni = NewLabel(v, NewStep(path, a), nH, nC, nE, qH, qC, qE);
                    labels[ni].Next = openHead[v];
                    openHead[v] = ni;
                    heap.Push(Key(ni), ni);
                }
            }
        }

        var achieved = eps;
        if (stopped) achieved = Math.Max(eps, PosterioriEpsilon());
        return new ParetoResult(CollectSolutions(g), true, !stopped && eps == 0, achieved, labelCount);
    }

    private double Key(int li)
    {
        ref readonly var l = ref labels[li];
        var u = l.Node;
        return wH * (l.AH + hH[u]) + wC * (l.AC + hC[u]) + wE * (l.AE + hE[u]);
    }

    private void Touch(int v)
    {
        if (nodeStamp[v] == generation) return;
        nodeStamp[v] = generation;
        openHead[v] = -1;
        closedHead[v] = -1;
        closedMinH[v] = closedMinC[v] = closedMinE[v] = double.PositiveInfinity;
        hH[v] = bounds[0].Bound(v);
        hC[v] = bounds[1].Bound(v);
        hE[v] = bounds[2].Bound(v);
    }

    private bool CoveredBySolutions(double fH, double fC, double fE, double slack)
    {
        if (solMinH > slack * fH || solMinC > slack * fC || solMinE > slack * fE) return false;
        for (var i = 0; i < solutionCount; i++)
        {
            ref readonly var s = ref solutions[i];
            if (s.RH <= slack * fH && s.RC <= slack * fC && s.RE <= slack * fE) return true;
        }
        return false;
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
        double qH, double qC, double qE, double slack)
    {
        double bH = hH[v], bC = hC[v], bE = hE[v];
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

    private void Seed(NetworkGraph g, int[] path)
    {
        double h = 0, c = 0, e = 0;
        var p = -1;
        foreach (var a in path)
        {
            ref readonly var arc = ref g.Arcs[a];
            h += arc.Hours; c += arc.Usd; e += arc.Co2;
            p = NewStep(p, a);
        }
        AddSolution(p, h, c, e);
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
        solMinH = Math.Min(solMinH, h);
        solMinC = Math.Min(solMinC, c);
        solMinE = Math.Min(solMinE, e);
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
            double fH = l.AH + hH[u], fC = l.AC + hC[u], fE = l.AE + hE[u];
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
            hH = new double[n];
            hC = new double[n];
            hE = new double[n];
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
        solMinH = solMinC = solMinE = double.PositiveInfinity;
        // Keep memory bounded after a huge query.
        if (labels.Length > 1 << 20) labels = new Label[1024];
        if (steps.Length > 1 << 20) steps = new Step[1024];
    }
}
