using System.Globalization;
using Google.OrTools.Sat;

namespace TradeHub.Tenders.Award;

/// <summary>A lane as the award sees it: its reference and how many containers it carries.</summary>
public sealed record AwardLane(string Ref, int Containers);

/// <summary>One lane of a package and the carrier's price per container on it.</summary>
public sealed record AwardPackageLane(string LaneRef, decimal PricePerContainer);

/// <summary>An all-or-nothing package: the carrier carries every lane of it or none.</summary>
public sealed record AwardPackage(string Ref, IReadOnlyList<AwardPackageLane> Lanes);

/// <summary>
/// One carrier's sealed bid: its packages, groups of package references of which at most one may win (alternatives),
/// and the most containers it will take in total.
/// </summary>
public sealed record AwardBid(
    string Carrier,
    IReadOnlyList<AwardPackage> Packages,
    IReadOnlyList<IReadOnlyList<string>> Exclusive,
    int? MaxContainers);

public sealed record AwardProblem(IReadOnlyList<AwardLane> Lanes, IReadOnlyList<AwardBid> Bids, int? MaxCarriers);

public sealed record AwardAssignment(string LaneRef, string Carrier, string PackageRef, decimal PricePerContainer);

public sealed record AwardResult
{
    /// <summary>optimal, feasible (a time limit stopped the proof) or unawarded (no lane could be covered).</summary>
    public required string Outcome { get; init; }
    public required bool Optimal { get; init; }
    /// <summary>Relative distance between the award's cost and the solver's proven lower bound (0 when optimal).</summary>
    public required double Gap { get; init; }
    public required decimal TotalCost { get; init; }
    /// <summary>The cost of awarding every lane to its cheapest single-lane bid; null when a lane has none.</summary>
    public required decimal? LaneByLaneCost { get; init; }
    public required decimal? Savings { get; init; }
    public required IReadOnlyList<AwardAssignment> Assignments { get; init; }
    public required IReadOnlyList<string> Uncovered { get; init; }
    public required IReadOnlyList<string> Explanation { get; init; }
    public required IReadOnlyList<string> WinningCarriers { get; init; }
    public required double SolveSeconds { get; init; }
}

public sealed record AwardSettings
{
    /// <summary>The wall-clock limit of one solve; a tender too large for it gets the best award found and its gap.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// CP-SAT workers. With more than one, the workers interleave in a fixed order (interleave_search) so the same
    /// bids give the same award; with one, the search is sequential and deterministic by itself.
    /// </summary>
    public int Workers { get; init; } = 2;

    /// <summary>
    /// A limit in the solver's deterministic time units (its own work count, independent of machine load). When set,
    /// an award stopped by it is reproducible even if it is not proven optimal.
    /// </summary>
    public double? DeterministicTimeLimit { get; init; }

    public int RandomSeed { get; init; } = 7;
}

/// <summary>
/// The tender award as a set-partitioning model for CP-SAT: one Boolean per package, every lane covered exactly once
/// (or reported uncovered at a penalty larger than any award's cost, so covering more lanes always wins), each
/// carrier's exclusive alternatives, its maxContainers, and the tender's maxCarriers. Pure and in process: the
/// service stores the inputs and the result.
/// </summary>
public static class AwardModel
{
    public static AwardResult Solve(AwardProblem problem, AwardSettings settings)
    {
        var lanes = problem.Lanes.OrderBy(l => l.Ref, StringComparer.Ordinal).ToList();
        var laneIndex = lanes.Select((l, i) => (l.Ref, i)).ToDictionary(p => p.Ref, p => p.i, StringComparer.Ordinal);
        var packages = Canonical(problem, laneIndex);

        // Money in cents, so the objective is integral and exact.
        var model = new CpModel();
        var x = new BoolVar[packages.Count];
        for (var p = 0; p < packages.Count; p++)
            x[p] = model.NewBoolVar($"p{p}");

        var coveredBy = new List<int>[lanes.Count];
        for (var l = 0; l < lanes.Count; l++) coveredBy[l] = [];
        for (var p = 0; p < packages.Count; p++)
            foreach (var (lane, _) in packages[p].Lanes)
                coveredBy[lane].Add(p);

        var penalty = packages.Sum(p => p.CostCents) + 1;
        var uncoveredVars = new BoolVar?[lanes.Count];
        var objectiveVars = new List<ILiteral>();
        var objectiveCoefs = new List<long>();
        for (var p = 0; p < packages.Count; p++)
        {
            objectiveVars.Add(x[p]);
            objectiveCoefs.Add(packages[p].CostCents);
        }
        for (var l = 0; l < lanes.Count; l++)
        {
            // A lane no package names is uncovered outright: no variable, no penalty in the model.
            if (coveredBy[l].Count == 0) continue;
            var u = model.NewBoolVar($"u{l}");
            uncoveredVars[l] = u;
            model.AddExactlyOne(coveredBy[l].Select(p => (ILiteral)x[p]).Append(u));
            objectiveVars.Add(u);
            objectiveCoefs.Add(penalty);
        }

        var carriers = packages.Select(p => p.Carrier).Distinct().ToList();
        foreach (var bid in problem.Bids.OrderBy(b => b.Carrier, StringComparer.Ordinal))
        {
            var own = Enumerable.Range(0, packages.Count).Where(p => packages[p].Carrier == bid.Carrier).ToList();
            var byRef = own.ToDictionary(p => packages[p].Ref, StringComparer.Ordinal);
            foreach (var group in bid.Exclusive)
            {
                var members = group.Where(byRef.ContainsKey).Select(r => (ILiteral)x[byRef[r]]).ToList();
                if (members.Count > 1) model.AddAtMostOne(members);
            }
            if (bid.MaxContainers is { } max)
                model.Add(LinearExpr.WeightedSum(own.Select(p => x[p]), own.Select(p => (long)packages[p].Containers)) <= max);
        }

        if (problem.MaxCarriers is { } maxCarriers && maxCarriers < carriers.Count)
        {
            var wins = new List<BoolVar>();
            foreach (var carrier in carriers)
            {
                var y = model.NewBoolVar($"c_{carrier}");
                wins.Add(y);
                foreach (var p in Enumerable.Range(0, packages.Count).Where(p => packages[p].Carrier == carrier))
                    model.AddImplication(x[p], y);
            }
            model.Add(LinearExpr.Sum(wins) <= maxCarriers);
        }

        model.Minimize(LinearExpr.WeightedSum(objectiveVars, objectiveCoefs));

        // The greedy award as a hint gives the search a first solution at once on large tenders.
        var hint = GreedyPicks(problem, packages, lanes.Count);
        for (var p = 0; p < packages.Count; p++) model.AddHint(x[p], hint.Contains(p));

        var solver = new CpSolver { StringParameters = Parameters(settings) };
        var status = solver.Solve(model);

        var picked = new List<int>();
        if (status is CpSolverStatus.Optimal or CpSolverStatus.Feasible)
            picked = Enumerable.Range(0, packages.Count).Where(p => solver.BooleanValue(x[p])).ToList();
        var optimal = status == CpSolverStatus.Optimal;
        double gap = 0;
        if (status == CpSolverStatus.Feasible)
        {
            var objective = solver.ObjectiveValue;
            gap = objective <= 0 ? 0 : Math.Max(0, (objective - solver.BestObjectiveBound) / objective);
        }
        else if (status is not CpSolverStatus.Optimal)
        {
            // Infeasible cannot happen (every lane may be left uncovered); unknown means no solution in the limit.
            gap = 1;
        }

        return Describe(lanes, problem, packages, picked, optimal, gap, solver.WallTime());
    }

    /// <summary>
    /// The award a simple procurement desk would make: packages by price per container, cheapest first, taking each
    /// one that fits (its lanes still open, its carrier's alternatives, capacity and the carrier limit allowing).
    /// </summary>
    public static AwardResult Greedy(AwardProblem problem)
    {
        var lanes = problem.Lanes.OrderBy(l => l.Ref, StringComparer.Ordinal).ToList();
        var laneIndex = lanes.Select((l, i) => (l.Ref, i)).ToDictionary(p => p.Ref, p => p.i, StringComparer.Ordinal);
        var packages = Canonical(problem, laneIndex);
        var picked = GreedyPicks(problem, packages, lanes.Count).Order().ToList();
        return Describe(lanes, problem, packages, picked, false, double.NaN, 0);
    }

    /// <summary>The cost of giving every lane to its cheapest single-lane bid, or null when some lane has none.</summary>
    public static decimal? LaneByLaneCost(AwardProblem problem)
    {
        decimal total = 0;
        foreach (var lane in problem.Lanes)
        {
            var prices = problem.Bids.SelectMany(b => b.Packages)
                .Where(p => p.Lanes.Count == 1 && p.Lanes[0].LaneRef == lane.Ref)
                .Select(p => p.Lanes[0].PricePerContainer).ToList();
            if (prices.Count == 0) return null;
            total += prices.Min() * lane.Containers;
        }
        return total;
    }

    static string Parameters(AwardSettings settings)
    {
        var ci = CultureInfo.InvariantCulture;
        var workers = Math.Max(1, settings.Workers);
        var parameters = $"num_workers:{workers} random_seed:{settings.RandomSeed} max_time_in_seconds:{settings.TimeLimit.TotalSeconds.ToString(ci)}";
        if (workers > 1) parameters += " interleave_search:true";
        if (settings.DeterministicTimeLimit is { } d) parameters += $" max_deterministic_time:{d.ToString(ci)}";
        return parameters;
    }

    internal sealed record Package(string Carrier, string Ref, IReadOnlyList<(int Lane, long PriceCents)> Lanes, long CostCents, int Containers);

    /// <summary>Packages in a fixed order (carrier, then reference) whatever order the bids arrived in.</summary>
    static List<Package> Canonical(AwardProblem problem, Dictionary<string, int> laneIndex)
    {
        var containers = problem.Lanes.ToDictionary(l => l.Ref, l => l.Containers, StringComparer.Ordinal);
        var list = new List<Package>();
        foreach (var bid in problem.Bids.OrderBy(b => b.Carrier, StringComparer.Ordinal))
            foreach (var package in bid.Packages.OrderBy(p => p.Ref, StringComparer.Ordinal))
            {
                var lanes = package.Lanes.Where(l => laneIndex.ContainsKey(l.LaneRef))
                    .Select(l => (laneIndex[l.LaneRef], Cents(l.PricePerContainer))).ToList();
                if (lanes.Count == 0 || lanes.Select(l => l.Item1).Distinct().Count() != lanes.Count) continue;
                var cost = package.Lanes.Where(l => laneIndex.ContainsKey(l.LaneRef))
                    .Sum(l => Cents(l.PricePerContainer) * containers[l.LaneRef]);
                var count = package.Lanes.Where(l => laneIndex.ContainsKey(l.LaneRef)).Sum(l => containers[l.LaneRef]);
                list.Add(new Package(bid.Carrier, package.Ref, lanes, cost, count));
            }
        return list;
    }

    static long Cents(decimal price) => (long)Math.Round(price * 100m, MidpointRounding.AwayFromZero);

    static HashSet<int> GreedyPicks(AwardProblem problem, List<Package> packages, int laneCount)
    {
        var covered = new bool[laneCount];
        var used = new Dictionary<string, int>(StringComparer.Ordinal);
        var winners = new HashSet<string>(StringComparer.Ordinal);
        var blocked = new HashSet<(string Carrier, string Ref)>();
        var bids = problem.Bids.ToDictionary(b => b.Carrier, StringComparer.Ordinal);
        var picked = new HashSet<int>();
        var order = Enumerable.Range(0, packages.Count)
            .OrderBy(p => (double)packages[p].CostCents / Math.Max(1, packages[p].Containers))
            .ThenByDescending(p => packages[p].Lanes.Count)
            .ThenBy(p => p);
        foreach (var p in order)
        {
            var package = packages[p];
            if (package.Lanes.Any(l => covered[l.Lane])) continue;
            if (blocked.Contains((package.Carrier, package.Ref))) continue;
            var bid = bids[package.Carrier];
            var load = used.GetValueOrDefault(package.Carrier);
            if (bid.MaxContainers is { } max && load + package.Containers > max) continue;
            if (problem.MaxCarriers is { } maxCarriers && !winners.Contains(package.Carrier) && winners.Count >= maxCarriers) continue;
            picked.Add(p);
            used[package.Carrier] = load + package.Containers;
            winners.Add(package.Carrier);
            foreach (var lane in package.Lanes) covered[lane.Lane] = true;
            foreach (var group in bid.Exclusive.Where(g => g.Contains(package.Ref, StringComparer.Ordinal)))
                foreach (var other in group)
                    blocked.Add((package.Carrier, other));
        }
        return picked;
    }

    static AwardResult Describe(List<AwardLane> lanes, AwardProblem problem, List<Package> packages, List<int> picked,
        bool optimal, double gap, double seconds)
    {
        var assignments = new List<AwardAssignment>();
        var covered = new HashSet<int>();
        foreach (var p in picked)
            foreach (var (lane, cents) in packages[p].Lanes)
            {
                covered.Add(lane);
                assignments.Add(new AwardAssignment(lanes[lane].Ref, packages[p].Carrier, packages[p].Ref, cents / 100m));
            }
        assignments = assignments.OrderBy(a => a.LaneRef, StringComparer.Ordinal).ToList();
        var uncovered = Enumerable.Range(0, lanes.Count).Where(l => !covered.Contains(l)).Select(l => lanes[l].Ref).ToList();
        var total = picked.Sum(p => packages[p].CostCents) / 100m;
        var laneByLane = LaneByLaneCost(problem);
        decimal? savings = laneByLane is { } reference && uncovered.Count == 0 ? reference - total : null;
        var winners = picked.Select(p => packages[p].Carrier).Distinct().Order(StringComparer.Ordinal).ToList();

        var ci = CultureInfo.InvariantCulture;
        var explanation = new List<string>();
        if (assignments.Count == 0)
            explanation.Add("No lane could be awarded: no combination of the bids covers any lane.");
        else
            explanation.Add(string.Format(ci, "{0} of {1} {2} awarded to {3} {4} for {5:N2}.",
                lanes.Count - uncovered.Count, lanes.Count, lanes.Count == 1 ? "lane" : "lanes",
                winners.Count, winners.Count == 1 ? "carrier" : "carriers", total));
        if (savings is { } s && laneByLane is { } lbl && lbl > 0)
            explanation.Add(string.Format(ci,
                "Awarding each lane to its cheapest single-lane bid would cost {0:N2}; the combined award saves {1:N2} ({2:P1}).",
                lbl, s, s / lbl));
        else if (laneByLane is null)
            explanation.Add("Some lanes have no single-lane bid, so there is no lane-by-lane cost to compare with.");
        if (!double.IsNaN(gap))
            explanation.Add(optimal
                ? "The solver proved that no cheaper combination of the bids exists."
                : string.Format(ci, "The solver's time limit stopped the proof: this award is at most {0:P1} above the cheapest possible.", gap));
        foreach (var p in picked)
        {
            var package = packages[p];
            explanation.Add(string.Format(ci, "{0} wins package {1} ({2}) for {3:N2}.", package.Carrier, package.Ref,
                string.Join(", ", package.Lanes.Select(l => lanes[l.Lane].Ref)), package.CostCents / 100m));
        }
        foreach (var l in uncovered)
        {
            var idx = lanes.FindIndex(x => x.Ref == l);
            var named = packages.Any(p => p.Lanes.Any(x => x.Lane == idx));
            explanation.Add(named
                ? $"Lane {l} is not covered: the packages naming it overlap lanes already awarded or break a carrier's limits."
                : $"Lane {l} is not covered: no bid names it.");
        }

        return new AwardResult
        {
            Outcome = assignments.Count == 0 ? "unawarded" : optimal ? "optimal" : "feasible",
            Optimal = optimal,
            Gap = double.IsNaN(gap) ? 0 : gap,
            TotalCost = total,
            LaneByLaneCost = laneByLane,
            Savings = savings,
            Assignments = assignments,
            Uncovered = uncovered,
            Explanation = explanation,
            WinningCarriers = winners,
            SolveSeconds = seconds,
        };
    }
}
