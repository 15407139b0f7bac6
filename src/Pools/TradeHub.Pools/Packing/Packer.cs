using System.Diagnostics;
using Google.OrTools.Sat;

namespace TradeHub.Pools.Packing;

/// <summary>One piece of loose cargo to pack.</summary>
public sealed record Consignment(Guid Id, decimal WeightKg, decimal VolumeM3);

/// <summary>A shared container of the plan and what it carries.</summary>
public sealed record PackedContainer(int Number, IReadOnlyList<Guid> Consignments, decimal WeightKg, decimal VolumeM3)
{
    /// <summary>weight or volume: the dimension the container is fuller in, by which its members share its price.</summary>
    public required string Binding { get; init; }
}

/// <summary>
/// Loose cargo packed into shared containers. <see cref="LowerBound"/> is the volume/weight bound (no plan can use fewer
/// containers), <see cref="ProvenBound"/> the best bound the solver proved (at least that); the plan is optimal when it
/// uses that many. <see cref="FirstFitDecreasing"/> is what the greedy start alone used, for comparison.
/// </summary>
public sealed record PackingPlan(
    IReadOnlyList<PackedContainer> Containers, int LowerBound, int ProvenBound, int FirstFitDecreasing, string Method,
    TimeSpan Elapsed)
{
    public bool Optimal => Containers.Count == ProvenBound;

    public static readonly PackingPlan Empty = new([], 0, 0, 0, "none", TimeSpan.Zero);
}

/// <summary>
/// Packs loose consignments into the fewest containers of one type: first-fit-decreasing gives a plan at once; unless
/// that plan is already within <see cref="LoadingRules.AcceptableGap"/> of the lower bound, OR-Tools CP-SAT
/// (bin packing with weight and volume, 20 ft boxes in balanced pairs) improves on it within a time limit and proves a
/// bound. Pure and in-process: no database, no clock but the solver's own limit.
/// </summary>
public sealed class Packer(LoadingRules rules)
{
    /// <summary>Plans the consignments; every one must fit a container alone (the caller refuses those that do not).</summary>
    public PackingPlan Pack(IReadOnlyList<Consignment> consignments, string containerType, TimeSpan? timeLimit = null)
    {
        var started = Stopwatch.GetTimestamp();
        if (consignments.Count == 0) return PackingPlan.Empty;
        var box = rules.For(containerType);
        var capW = Kg(box.MaxCargoKg);
        var capV = Litres(box.VolumeM3);
        var pairGap = box.Paired ? Kg(rules.PairWeightDifferenceKg) - 1 : (long?)null;

        // Largest first, by the larger of the two fill fractions: first-fit-decreasing's order and the solver's
        // symmetry breaking (item i may only open bin i or an earlier one).
        var items = consignments
            .Select(c => (c.Id, W: Kg(c.WeightKg), V: Litres(c.VolumeM3)))
            .OrderByDescending(c => Math.Max((double)c.W / capW, (double)c.V / capV)).ThenBy(c => c.Id)
            .ToArray();
        foreach (var (id, w, v) in items)
            if (w > capW || v > capV) throw new ArgumentException($"Consignment {id} does not fit one {containerType}.", nameof(consignments));

        var lower = (int)Math.Max(Math.Ceiling((double)items.Sum(i => i.W) / capW), Math.Ceiling((double)items.Sum(i => i.V) / capV));
        if (pairGap is not null) lower += lower % 2;

        var greedy = FirstFitDecreasing(items, capW, capV, pairGap);
        var greedyCount = greedy.Max() + 1;
        if (pairGap is not null) greedyCount += greedyCount % 2;

        var assignment = greedy;
        var proven = lower;
        var method = "first-fit-decreasing";
        var greedyBalanced = pairGap is null || PairsBalanced(items, greedy, greedyCount, pairGap.Value);
        var acceptable = lower + (int)Math.Floor(lower * rules.AcceptableGap);
        if (pairGap is not null) acceptable -= acceptable % 2;
        if (greedyCount > acceptable || !greedyBalanced)
        {
            // Room for one more pair when first-fit-decreasing's pairs are unbalanced: balancing may cost a pair.
            var bins = greedyBalanced ? greedyCount : greedyCount + 2;
            var solved = Solve(items, capW, capV, pairGap, greedy, bins, lower, timeLimit ?? rules.SolverTimeLimit);
            if (solved is { } s)
            {
                proven = Math.Max(lower, s.Bound);
                if (s.Assignment is not null && (!greedyBalanced || s.Assignment.Max() + 1 < greedyCount))
                {
                    assignment = s.Assignment;
                    method = "cp-sat";
                }
            }
        }

        var containers = Plan(items, assignment, box, pairGap is not null);
        proven = Math.Min(proven, containers.Count);
        return new PackingPlan(containers, Math.Min(lower, containers.Count), proven, greedyCount, method,
            Stopwatch.GetElapsedTime(started));
    }

    private static long Kg(decimal kg) => (long)Math.Ceiling(kg);

    private static long Litres(decimal m3) => (long)Math.Ceiling(m3 * 1000m);

    /// <summary>Each consignment into the first container with room; the result is each one's container number.</summary>
    private static int[] FirstFitDecreasing((Guid Id, long W, long V)[] items, long capW, long capV, long? pairGap)
    {
        var loadW = new List<long>();
        var loadV = new List<long>();
        var bin = new int[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var b = 0;
            while (b < loadW.Count && (loadW[b] + items[i].W > capW || loadV[b] + items[i].V > capV)) b++;
            if (b == loadW.Count)
            {
                loadW.Add(0);
                loadV.Add(0);
            }
            loadW[b] += items[i].W;
            loadV[b] += items[i].V;
            bin[i] = b;
        }
        if (pairGap is null) return bin;

        // Pairs of neighbours by weight: sorting then pairing adjacent boxes keeps the largest difference smallest.
        var byWeight = Enumerable.Range(0, loadW.Count).OrderByDescending(b => loadW[b]).ToArray();
        var renumber = new int[loadW.Count];
        for (var k = 0; k < byWeight.Length; k++) renumber[byWeight[k]] = k;
        return bin.Select(b => renumber[b]).ToArray();
    }

    private static bool PairsBalanced((Guid Id, long W, long V)[] items, int[] bin, int count, long pairGap)
    {
        var load = new long[count];
        for (var i = 0; i < items.Length; i++) load[bin[i]] += items[i].W;
        for (var b = 0; b + 1 < count; b += 2)
            if (Math.Abs(load[b] - load[b + 1]) > pairGap) return false;
        return true;
    }

    private sealed record Solution(int[]? Assignment, int Bound);

    /// <summary>
    /// CP-SAT: x[i,b] puts item i in container b; used[b] opens container b, in order; weight and volume per container
    /// within limits; paired containers open together and differ in weight by less than the pair limit. Minimises the
    /// containers opened, from first-fit-decreasing's plan as a hint.
    /// </summary>
    private Solution? Solve((Guid Id, long W, long V)[] items, long capW, long capV, long? pairGap, int[] hint, int bins, int lower, TimeSpan limit)
    {
        var model = new CpModel();
        var used = new BoolVar[bins];
        for (var b = 0; b < bins; b++) used[b] = model.NewBoolVar($"used{b}");
        var x = new BoolVar?[items.Length, bins];
        var weight = new LinearExprBuilder[bins];
        var volume = new LinearExprBuilder[bins];
        for (var b = 0; b < bins; b++)
        {
            weight[b] = LinearExpr.NewBuilder();
            volume[b] = LinearExpr.NewBuilder();
        }
        for (var i = 0; i < items.Length; i++)
        {
            var choices = new List<ILiteral>();
            // Any plan can be renumbered so that item i opens at most container i; with pairs, numbered by their first
            // item and that item's box first, item i is in pair i or an earlier one, and opens a pair's first box.
            var last = Math.Min(pairGap is null ? i : 2 * i, bins - 1);
            for (var b = 0; b <= last; b++)
            {
                var v = model.NewBoolVar($"x{i}_{b}");
                x[i, b] = v;
                choices.Add(v);
                weight[b].AddTerm(v, items[i].W);
                volume[b].AddTerm(v, items[i].V);
                model.AddImplication(v, used[b]);
                model.AddHint(v, hint[i] == b ? 1 : 0);
            }
            model.AddExactlyOne(choices);
        }
        var usedHint = new bool[bins];
        foreach (var b in hint) if (b < bins) usedHint[b] = true;
        for (var b = 0; b < bins; b++)
        {
            model.Add(weight[b] <= capW * used[b]);
            model.Add(volume[b] <= capV * used[b]);
            model.AddHint(used[b], usedHint[b] || (pairGap is not null && b % 2 == 1 && usedHint[b - 1]) ? 1 : 0);
            if (b + 1 < bins) model.AddImplication(used[b + 1], used[b]);
        }
        if (pairGap is { } gap)
            for (var b = 0; b + 1 < bins; b += 2)
            {
                model.Add(used[b] == used[b + 1]);
                model.Add(weight[b] - weight[b + 1] <= gap);
                model.Add(weight[b + 1] - weight[b] <= gap);
            }
        model.Add(LinearExpr.Sum(used) >= lower);
        model.Minimize(LinearExpr.Sum(used));

        var solver = new CpSolver
        {
            StringParameters = string.Join(' ',
                $"max_time_in_seconds:{limit.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
                $"num_workers:{Math.Max(1, rules.SolverWorkers)}", "random_seed:7", "log_search_progress:false"),
        };
        var status = solver.Solve(model);
        if (status is CpSolverStatus.Infeasible or CpSolverStatus.ModelInvalid or CpSolverStatus.Unknown)
            return status == CpSolverStatus.Unknown ? new Solution(null, (int)Math.Ceiling(solver.BestObjectiveBound - 1e-6)) : null;

        var assignment = new int[items.Length];
        for (var i = 0; i < items.Length; i++)
            for (var b = 0; b < bins; b++)
                if (x[i, b] is { } v && solver.BooleanValue(v))
                {
                    assignment[i] = b;
                    break;
                }
        return new Solution(assignment, (int)Math.Ceiling(solver.BestObjectiveBound - 1e-6));
    }

    private static List<PackedContainer> Plan((Guid Id, long W, long V)[] items, int[] assignment, ContainerLimits box, bool paired)
    {
        var count = assignment.Max() + 1;
        if (paired) count += count % 2;
        var containers = new List<PackedContainer>(count);
        for (var b = 0; b < count; b++)
        {
            var inside = Enumerable.Range(0, items.Length).Where(i => assignment[i] == b).ToArray();
            var w = inside.Sum(i => items[i].W);
            var v = inside.Sum(i => items[i].V) / 1000m;
            containers.Add(new PackedContainer(b + 1, inside.Select(i => items[i].Id).ToArray(), w, v)
            {
                Binding = w / box.MaxCargoKg >= v / box.VolumeM3 ? "weight" : "volume",
            });
        }
        return containers;
    }
}
