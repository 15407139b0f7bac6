using TradeHub.Pools.Packing;

namespace TradeHub.Pools.Tests.Packing;

public sealed class PackingTests
{
    private static readonly Packer Packer = new(new LoadingRules());

    private static Consignment[] Loose(params (decimal Kg, decimal M3)[] cargo) =>
        cargo.Select(c => new Consignment(Guid.NewGuid(), c.Kg, c.M3)).ToArray();

    private static Consignment[] Repeat(int count, decimal kg, decimal m3) =>
        Enumerable.Range(0, count).Select(_ => new Consignment(Guid.NewGuid(), kg, m3)).ToArray();

    [Test]
    public void Six_half_loads_by_weight_fill_three_forty_foot_boxes_exactly()
    {
        var plan = Packer.Pack(Repeat(6, 10_500m, 5m), "40HC");

        Assert.That(plan.Containers, Has.Count.EqualTo(3));
        Assert.That(plan.LowerBound, Is.EqualTo(3));
        Assert.That(plan.Optimal, Is.True);
        Assert.That(plan.Containers.Select(c => c.WeightKg), Is.All.EqualTo(21_000m));
        Assert.That(plan.Containers.Select(c => c.Binding), Is.All.EqualTo("weight"));
    }

    [Test]
    public void The_solver_finds_three_boxes_where_first_fit_decreasing_needs_four()
    {
        // 4+3+3 three times fills three boxes of 10 exactly; first-fit-decreasing puts 4+4 together and needs a fourth.
        var cargo = Repeat(3, 8_400m, 1m).Concat(Repeat(6, 6_300m, 1m)).ToArray();

        var plan = Packer.Pack(cargo, "40GP");

        Assert.That(plan.FirstFitDecreasing, Is.EqualTo(4));
        Assert.That(plan.Containers, Has.Count.EqualTo(3));
        Assert.That(plan.Method, Is.EqualTo("cp-sat"));
        Assert.That(plan.Optimal, Is.True);
        Assert.That(plan.Containers.SelectMany(c => c.Consignments), Is.EquivalentTo(cargo.Select(c => c.Id)));
        Assert.That(plan.Containers.Select(c => c.WeightKg), Is.All.LessThanOrEqualTo(21_000m));
    }

    [Test]
    public void A_first_fit_plan_within_the_acceptable_gap_of_the_bound_is_kept_without_the_solver()
    {
        // The same cargo: first-fit-decreasing's four boxes are one above the bound of three. Within a gap of 50 % (one
        // box in three) the plan is kept as it is; with no gap allowed the solver runs and saves the box.
        var cargo = Repeat(3, 8_400m, 1m).Concat(Repeat(6, 6_300m, 1m)).ToArray();

        var lenient = new Packer(new LoadingRules { AcceptableGap = 0.5 }).Pack(cargo, "40GP");
        var strict = new Packer(new LoadingRules { AcceptableGap = 0 }).Pack(cargo, "40GP");

        Assert.That((lenient.Method, lenient.Containers.Count, lenient.LowerBound), Is.EqualTo(("first-fit-decreasing", 4, 3)));
        Assert.That((strict.Method, strict.Containers.Count), Is.EqualTo(("cp-sat", 3)));
        Assert.That(lenient.Containers.SelectMany(c => c.Consignments), Is.EquivalentTo(cargo.Select(c => c.Id)));
    }

    [Test]
    public void Bulky_light_cargo_is_packed_by_volume()
    {
        var plan = Packer.Pack(Repeat(5, 2_000m, 30m), "40HC");

        Assert.That(plan.Containers, Has.Count.EqualTo(3));
        Assert.That(plan.LowerBound, Is.EqualTo(2));
        Assert.That(plan.ProvenBound, Is.EqualTo(3), "two 30 m3 pieces fit a 76.3 m3 box, three do not");
        Assert.That(plan.Containers.Select(c => c.VolumeM3), Is.All.LessThanOrEqualTo(76.3m));
        Assert.That(plan.Containers[0].Binding, Is.EqualTo("volume"));
    }

    [Test]
    public void Twenty_foot_boxes_are_planned_in_pairs_whose_weights_differ_by_under_five_tonnes()
    {
        // First-fit-decreasing fills three boxes with 21 t and a fourth with 10 t: a pair 11 t apart.
        var cargo = Repeat(6, 10_500m, 2m).Concat(Repeat(2, 5_000m, 2m)).ToArray();

        var plan = Packer.Pack(cargo, "20GP");

        Assert.That(plan.Containers, Has.Count.EqualTo(4));
        for (var b = 0; b < plan.Containers.Count; b += 2)
            Assert.That(Math.Abs(plan.Containers[b].WeightKg - plan.Containers[b + 1].WeightKg), Is.LessThan(5_000m));
        Assert.That(plan.Containers.SelectMany(c => c.Consignments), Is.EquivalentTo(cargo.Select(c => c.Id)));
    }

    [Test]
    public void An_odd_number_of_twenty_foot_boxes_is_rounded_up_to_pairs()
    {
        var plan = Packer.Pack(Repeat(3, 8_000m, 20m), "20GP");

        Assert.That(plan.Containers.Count % 2, Is.Zero);
    }

    [Test]
    public void Cargo_larger_than_a_box_is_refused()
    {
        Assert.That(() => Packer.Pack(Loose((22_000m, 10m)), "40HC"), Throws.ArgumentException);
    }

    [Test]
    public void Nothing_to_pack_needs_no_boxes()
    {
        Assert.That(Packer.Pack([], "40HC").Containers, Is.Empty);
    }

    [TestCase(10, 1950.00)]
    [TestCase(5, 2000.00)]
    [TestCase(55, 1500.00)]
    [TestCase(60, 1500.00)]
    [TestCase(30, 1750.00)]
    public void The_price_per_container_falls_in_a_straight_line_from_the_minimum_to_the_maximum(int containers, decimal expected)
    {
        Assert.That(PoolPricing.PricePerContainer(containers, 5, 55, 2000m, 1500m), Is.EqualTo(expected));
    }

    [Test]
    public void A_shared_box_is_split_by_the_dimension_that_binds_it()
    {
        var heavy = new Consignment(Guid.NewGuid(), 15_000m, 10m);
        var bulky = new Consignment(Guid.NewGuid(), 3_000m, 30m);
        var plan = Packer.Pack([heavy, bulky], "40HC");
        var owners = new Dictionary<Guid, (string, decimal, decimal)>
        {
            [heavy.Id] = ("steel", heavy.WeightKg, heavy.VolumeM3),
            [bulky.Id] = ("textiles", bulky.WeightKg, bulky.VolumeM3),
        };

        var shares = PoolPricing.Shares(plan, owners);

        Assert.That(plan.Containers, Has.Count.EqualTo(1));
        Assert.That(plan.Containers[0].Binding, Is.EqualTo("weight"), "18 t of 21 t is fuller than 40 m3 of 76.3 m3");
        Assert.That(shares["steel"].Single().Share, Is.EqualTo(0.8333m));
        Assert.That(shares["textiles"].Single().Share, Is.EqualTo(0.1667m));
    }
}
