using TradeHub.Tenders.Award;

namespace TradeHub.Tenders.Tests;

/// <summary>The award model against tenders small enough to enumerate every set of packages.</summary>
public sealed class AwardModelTests
{
    static readonly AwardSettings Settings = new() { TimeLimit = TimeSpan.FromSeconds(20), Workers = 2 };

    static AwardPackage Package(string reference, params (string Lane, decimal Price)[] lanes) =>
        new(reference, lanes.Select(l => new AwardPackageLane(l.Lane, l.Price)).ToList());

    static AwardBid Bid(string carrier, IReadOnlyList<AwardPackage> packages, string[][]? exclusive = null, int? maxContainers = null) =>
        new(carrier, packages, exclusive?.Select(g => (IReadOnlyList<string>)g).ToList() ?? [], maxContainers);

    static readonly AwardLane[] FiveLanes =
    [
        new("TSN-TAS", 2), new("TSN-ALA", 2), new("TSN-MSQ", 1), new("TSN-MOW", 3), new("TSN-TBS", 1),
    ];

    [Test]
    public void A_bundle_cheaper_than_its_lanes_one_by_one_wins_and_the_savings_are_stated()
    {
        var problem = new AwardProblem(FiveLanes[..2],
        [
            Bid("rail-a", [Package("tas", ("TSN-TAS", 3000m)), Package("both", ("TSN-TAS", 2600m), ("TSN-ALA", 2700m))]),
            Bid("road-b", [Package("ala", ("TSN-ALA", 2900m))]),
        ], null);

        var award = AwardModel.Solve(problem, Settings);

        Assert.That(award.Optimal, Is.True);
        Assert.That(award.Assignments.Select(a => a.PackageRef), Is.EqualTo(new[] { "both", "both" }));
        Assert.That(award.TotalCost, Is.EqualTo(2 * 2600m + 2 * 2700m));
        Assert.That(award.LaneByLaneCost, Is.EqualTo(2 * 3000m + 2 * 2900m));
        Assert.That(award.Savings, Is.EqualTo(award.LaneByLaneCost - award.TotalCost));
        Assert.That(award.Explanation, Has.Some.Contains("saves"));
    }

    [Test]
    public void The_explanation_counts_one_lane_and_one_carrier_in_the_singular()
    {
        var problem = new AwardProblem(FiveLanes[..1], [Bid("rail-a", [Package("tas", ("TSN-TAS", 3000m))])], null);

        var award = AwardModel.Solve(problem, Settings);

        Assert.That(award.Explanation[0], Is.EqualTo("1 of 1 lane awarded to 1 carrier for 6,000.00."));
    }

    [Test]
    public void A_lane_no_bid_names_is_reported_uncovered_and_the_rest_is_still_awarded()
    {
        var problem = new AwardProblem(FiveLanes[..3],
        [
            Bid("rail-a", [Package("tas", ("TSN-TAS", 3000m)), Package("ala", ("TSN-ALA", 2500m))]),
        ], null);

        var award = AwardModel.Solve(problem, Settings);

        Assert.That(award.Uncovered, Is.EqualTo(new[] { "TSN-MSQ" }));
        Assert.That(award.Assignments, Has.Count.EqualTo(2));
        Assert.That(award.Explanation, Has.Some.Contains("TSN-MSQ is not covered: no bid names it"));
    }

    [Test]
    public void Only_one_of_a_carriers_exclusive_alternatives_wins()
    {
        var problem = new AwardProblem(FiveLanes[..2],
        [
            Bid("rail-a", [Package("tas", ("TSN-TAS", 1000m)), Package("ala", ("TSN-ALA", 1000m))], [["tas", "ala"]]),
            Bid("road-b", [Package("tas", ("TSN-TAS", 1500m)), Package("ala", ("TSN-ALA", 1200m))]),
        ], null);

        var award = AwardModel.Solve(problem, Settings);

        // rail-a may win one lane: taking the lane where road-b is dearer saves more.
        Assert.That(award.Assignments.Where(a => a.Carrier == "rail-a").Select(a => a.LaneRef), Is.EqualTo(new[] { "TSN-TAS" }));
        Assert.That(award.TotalCost, Is.EqualTo(2 * 1000m + 2 * 1200m));
    }

    [Test]
    public void A_carrier_never_wins_more_containers_than_its_max()
    {
        var problem = new AwardProblem(FiveLanes,
        [
            Bid("rail-a", FiveLanes.Select(l => Package(l.Ref, (l.Ref, 100m))).ToList(), maxContainers: 4),
            Bid("road-b", FiveLanes.Select(l => Package(l.Ref, (l.Ref, 500m))).ToList()),
        ], null);

        var award = AwardModel.Solve(problem, Settings);

        var containers = FiveLanes.ToDictionary(l => l.Ref, l => l.Containers);
        Assert.That(award.Assignments.Where(a => a.Carrier == "rail-a").Sum(a => containers[a.LaneRef]), Is.LessThanOrEqualTo(4));
        Assert.That(award.Uncovered, Is.Empty);
    }

    [Test]
    public void The_tenders_max_carriers_limits_the_winners_even_when_a_third_would_be_cheaper()
    {
        var problem = new AwardProblem(FiveLanes[..3],
        [
            Bid("a", [Package("1", ("TSN-TAS", 100m)), Package("2", ("TSN-ALA", 900m)), Package("3", ("TSN-MSQ", 900m))]),
            Bid("b", [Package("1", ("TSN-TAS", 900m)), Package("2", ("TSN-ALA", 100m)), Package("3", ("TSN-MSQ", 900m))]),
            Bid("c", [Package("1", ("TSN-TAS", 900m)), Package("2", ("TSN-ALA", 900m)), Package("3", ("TSN-MSQ", 100m))]),
        ], MaxCarriers: 2);

        var award = AwardModel.Solve(problem, Settings);

        Assert.That(award.WinningCarriers, Has.Count.EqualTo(2));
        Assert.That(award.TotalCost, Is.EqualTo(2 * 100m + 2 * 100m + 1 * 900m));
    }

    [Test]
    public void The_same_bids_in_another_order_give_the_same_award()
    {
        var problem = RandomTender(new Random(11), lanes: 6, carriers: 4, packagesPerCarrier: 5);
        var shuffled = problem with
        {
            Bids = problem.Bids.Reverse().Select(b => b with { Packages = b.Packages.Reverse().ToList() }).ToList(),
        };

        var first = AwardModel.Solve(problem, Settings);
        var second = AwardModel.Solve(shuffled, Settings);

        Assert.That(second.Assignments, Is.EqualTo(first.Assignments));
        Assert.That(second.TotalCost, Is.EqualTo(first.TotalCost));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(5)]
    [TestCase(6)]
    [TestCase(7)]
    [TestCase(8)]
    [TestCase(9)]
    [TestCase(10)]
    [TestCase(11)]
    [TestCase(12)]
    public void The_award_is_the_optimum_found_by_enumerating_every_set_of_packages(int seed)
    {
        var random = new Random(seed);
        var problem = RandomTender(random, lanes: random.Next(3, 7), carriers: random.Next(2, 5), packagesPerCarrier: random.Next(2, 5),
            exclusive: seed % 2 == 0, capacity: seed % 3 == 0, maxCarriers: seed % 4 == 0 ? 2 : null);

        var (bestUncovered, bestCost) = Enumerate(problem);
        var award = AwardModel.Solve(problem, Settings);

        Assert.That(award.Optimal, Is.True);
        Assert.That(award.Gap, Is.Zero);
        Assert.That(award.Uncovered, Has.Count.EqualTo(bestUncovered));
        Assert.That(award.TotalCost, Is.EqualTo(bestCost));
        Assert.That(Feasible(problem, award), Is.True, "the award breaks a constraint");
    }

    /// <summary>Lanes of 1..3 containers; each carrier bids single lanes and bundles of 2..3 lanes cheaper per container.</summary>
    static AwardProblem RandomTender(Random random, int lanes, int carriers, int packagesPerCarrier,
        bool exclusive = false, bool capacity = false, int? maxCarriers = null)
    {
        var laneList = Enumerable.Range(0, lanes).Select(i => new AwardLane($"L{i}", random.Next(1, 4))).ToList();
        var bids = new List<AwardBid>();
        for (var c = 0; c < carriers; c++)
        {
            var packages = new List<AwardPackage>();
            for (var p = 0; p < packagesPerCarrier; p++)
            {
                var size = random.Next(1, Math.Min(3, lanes) + 1);
                var chosen = laneList.OrderBy(_ => random.Next()).Take(size).ToList();
                packages.Add(Package($"P{p}", chosen.Select(l => (l.Ref, (decimal)random.Next(80, 200) * 10m)).ToArray()));
            }
            var groups = exclusive && packages.Count >= 2 ? new[] { new[] { "P0", "P1" } } : null;
            bids.Add(Bid($"C{c}", packages, groups, capacity ? random.Next(2, 6) : null));
        }
        return new AwardProblem(laneList, bids, maxCarriers);
    }

    /// <summary>Every subset of packages: the feasible one with the fewest uncovered lanes, then the lowest cost.</summary>
    static (int Uncovered, decimal Cost) Enumerate(AwardProblem problem)
    {
        var all = problem.Bids.SelectMany(b => b.Packages.Select(p => (Bid: b, Package: p))).ToList();
        Assert.That(all, Has.Count.LessThanOrEqualTo(20), "too many packages to enumerate");
        var best = (Uncovered: int.MaxValue, Cost: decimal.MaxValue);
        for (var mask = 0; mask < 1 << all.Count; mask++)
        {
            var chosen = Enumerable.Range(0, all.Count).Where(i => (mask & (1 << i)) != 0).Select(i => all[i]).ToList();
            var assignments = chosen.SelectMany(c => c.Package.Lanes.Select(l => new AwardAssignment(l.LaneRef, c.Bid.Carrier, c.Package.Ref, l.PricePerContainer))).ToList();
            if (!Feasible(problem, assignments)) continue;
            var containers = problem.Lanes.ToDictionary(l => l.Ref, l => l.Containers);
            var uncovered = problem.Lanes.Count - assignments.Count;
            var cost = assignments.Sum(a => a.PricePerContainer * containers[a.LaneRef]);
            if (uncovered < best.Uncovered || (uncovered == best.Uncovered && cost < best.Cost))
                best = (uncovered, cost);
        }
        return best;
    }

    static bool Feasible(AwardProblem problem, AwardResult award) => Feasible(problem, award.Assignments.ToList());

    static bool Feasible(AwardProblem problem, List<AwardAssignment> assignments)
    {
        if (assignments.Select(a => a.LaneRef).Distinct().Count() != assignments.Count) return false;
        var containers = problem.Lanes.ToDictionary(l => l.Ref, l => l.Containers);
        var won = assignments.Select(a => (a.Carrier, a.PackageRef)).Distinct().ToList();
        foreach (var bid in problem.Bids)
        {
            var own = won.Where(w => w.Carrier == bid.Carrier).Select(w => w.PackageRef).ToHashSet();
            // All or nothing: a won package has every one of its lanes assigned to it.
            foreach (var package in bid.Packages.Where(p => own.Contains(p.Ref)))
                if (package.Lanes.Any(l => !assignments.Contains(new AwardAssignment(l.LaneRef, bid.Carrier, package.Ref, l.PricePerContainer))))
                    return false;
            if (bid.Exclusive.Any(g => g.Count(own.Contains) > 1)) return false;
            if (bid.MaxContainers is { } max && assignments.Where(a => a.Carrier == bid.Carrier).Sum(a => containers[a.LaneRef]) > max) return false;
        }
        if (problem.MaxCarriers is { } m && assignments.Select(a => a.Carrier).Distinct().Count() > m) return false;
        return true;
    }
}
