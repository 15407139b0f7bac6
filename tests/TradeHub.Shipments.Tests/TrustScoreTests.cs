using TradeHub.Shipments.Trust;

namespace TradeHub.Shipments.Tests;

public sealed class TrustScoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private const string Carrier = "kz-rail";

    /// <summary>A one-leg shipment from a shipper by a carrier, delivered a given number of days after T0.</summary>
    private static TrustShipment Delivered(string shipper, string carrier, double day, double lateHours = 0,
        string status = "delivered")
    {
        var departs = T0.AddDays(day - 3);
        var arrives = T0.AddDays(day);
        return new TrustShipment(Guid.NewGuid(), shipper, [carrier], status, departs.AddDays(-1),
            status == "delivered" ? arrives.AddHours(lateHours) : null,
            [new TrustLeg(carrier, departs, arrives, departs, arrives.AddHours(lateHours))]);
    }

    private static (List<TrustShipment>, List<TrustRating>) Record(string carrier, int count, Func<int, string> shipper,
        Func<int, int> stars, Func<int, double>? lateHours = null, double day = 0)
    {
        var shipments = Enumerable.Range(0, count)
            .Select(i => Delivered(shipper(i), carrier, day, lateHours?.Invoke(i) ?? 0)).ToList();
        var ratings = shipments.Select((s, i) => new TrustRating(s.Id, s.Shipper, carrier, stars(i))).ToList();
        return (shipments, ratings);
    }

    private static double Component(TrustReport report, string name) =>
        report.Components.Single(c => c.Name == name).Value;

    [Test]
    public void Three_five_star_ratings_do_not_beat_three_hundred_four_and_a_half_star_ones()
    {
        var (fewShipments, fewRatings) = Record("few", 3, i => $"shipper-{i}", _ => 5);
        var (manyShipments, manyRatings) = Record("many", 300, i => $"shipper-{i}", i => i % 2 == 0 ? 4 : 5);

        var few = TrustScore.Compute("few", fewShipments, fewRatings);
        var many = TrustScore.Compute("many", manyShipments, manyRatings);

        Assert.Multiple(() =>
        {
            Assert.That(few.Ratings, Is.EqualTo(new RatingSummary(3, 5.0)));
            Assert.That(many.Ratings, Is.EqualTo(new RatingSummary(300, 4.5)));
            Assert.That(Component(few, "ratings"), Is.LessThan(Component(many, "ratings")));
            Assert.That(few.Score, Is.LessThan(many.Score));
        });
    }

    [Test]
    public void A_burst_of_shipments_with_one_counterpart_counts_less_than_volume_from_many()
    {
        // 100 perfect five-star shipments from one (possibly colluding) shipper against 30 from 30 shippers.
        var (burstShipments, burstRatings) = Record("burst", 100, _ => "friend", _ => 5);
        var (broadShipments, broadRatings) = Record("broad", 30, i => $"shipper-{i}", i => i % 2 == 0 ? 4 : 5);

        var burst = TrustScore.Compute("burst", burstShipments, burstRatings);
        var broad = TrustScore.Compute("broad", broadShipments, broadRatings);

        Assert.Multiple(() =>
        {
            Assert.That(burst.Shipments, Is.EqualTo(100));
            Assert.That(Component(burst, "experience"), Is.LessThan(Component(broad, "experience")));
            Assert.That(Component(burst, "ratings"), Is.LessThan(Component(broad, "ratings")));
            Assert.That(burst.Score, Is.LessThan(broad.Score));
        });
    }

    [Test]
    public void One_counterpart_weighs_no_more_than_the_cap_however_many_shipments_it_books()
    {
        var (three, threeRatings) = Record("c", 3, _ => "friend", _ => 5);
        var (thousand, thousandRatings) = Record("c", 1000, _ => "friend", _ => 5);

        var a = TrustScore.Compute("c", three, threeRatings);
        var b = TrustScore.Compute("c", thousand, thousandRatings);

        Assert.That(b.Components, Is.EqualTo(a.Components));
    }

    [Test]
    public void Newer_shipments_weigh_more_than_older_ones()
    {
        // One carrier was late long ago and is on time now; the other the reverse.
        var improving = Enumerable.Range(0, 10).Select(i => Delivered($"s{i}", Carrier, day: 0, lateHours: 48))
            .Concat(Enumerable.Range(10, 10).Select(i => Delivered($"s{i}", Carrier, day: 360))).ToList();
        var declining = Enumerable.Range(0, 10).Select(i => Delivered($"s{i}", Carrier, day: 0))
            .Concat(Enumerable.Range(10, 10).Select(i => Delivered($"s{i}", Carrier, day: 360, lateHours: 48))).ToList();

        var up = TrustScore.Compute(Carrier, improving, []);
        var down = TrustScore.Compute(Carrier, declining, []);

        Assert.Multiple(() =>
        {
            Assert.That(up.OnTimeShare, Is.EqualTo(0.5));
            Assert.That(down.OnTimeShare, Is.EqualTo(0.5));
            Assert.That(Component(up, "onTime"), Is.GreaterThan(Component(down, "onTime")));
            Assert.That(up.Score, Is.GreaterThan(down.Score));
        });
    }

    [Test]
    public void A_shipment_one_half_life_old_weighs_half()
    {
        // One late shipment (delivered 2 days after its day) a half-life before one on-time shipment: on time is (1 + 0.5 x 0 + prior) / (1.5 + prior).
        List<TrustShipment> shipments =
        [
            Delivered("a", Carrier, day: 0, lateHours: 48),
            Delivered("b", Carrier, day: TrustScore.HalfLifeDays + 2),
        ];
        var report = TrustScore.Compute(Carrier, shipments, []);
        var expected = (1 + TrustScore.OnTimePrior * TrustScore.OnTimePriorWeight) / (1.5 + TrustScore.OnTimePriorWeight);
        Assert.That(Component(report, "onTime"), Is.EqualTo(Math.Round(expected, 4)));
    }

    [Test]
    public void A_carrier_is_judged_per_leg_and_not_for_lateness_handed_over_by_the_leg_before()
    {
        var departs = T0;
        // Leg 0 (another carrier) arrives 20 h late; leg 1 departs late because of it and runs its planned 30 h.
        var legs = new List<TrustLeg>
        {
            new("cn-rail", departs, departs.AddHours(50), departs, departs.AddHours(70)),
            new(Carrier, departs.AddHours(52), departs.AddHours(82), departs.AddHours(72), departs.AddHours(102)),
            new(Carrier, departs.AddHours(90), departs.AddHours(100), departs.AddHours(110), departs.AddHours(125)),
        };
        Assert.Multiple(() =>
        {
            Assert.That(TrustScore.LegOnTime(legs, 0), Is.False);
            Assert.That(TrustScore.LegOnTime(legs, 1), Is.True);
            // 102 h arrival handed over against a 90 h plan: 12 h excused, yet 125 h is 25 h after plan.
            Assert.That(TrustScore.LegOnTime(legs, 2), Is.False);
        });

        var shipment = new TrustShipment(Guid.NewGuid(), "shipper", ["cn-rail", Carrier], "delivered", departs,
            departs.AddHours(125), legs);
        var report = TrustScore.Compute(Carrier, [shipment], []);
        Assert.That(report.OnTimeShare, Is.EqualTo(0.5));
    }

    [Test]
    public void A_leg_without_an_actual_arrival_is_not_on_time()
    {
        var legs = new List<TrustLeg> { new(Carrier, T0, T0.AddHours(10), T0, null) };
        Assert.That(TrustScore.LegOnTime(legs, 0), Is.False);
    }

    [Test]
    public void A_shipper_is_judged_by_handing_over_its_cargo_on_time()
    {
        var onTime = Delivered("shipper", Carrier, day: 10);
        var late = onTime with
        {
            Id = Guid.NewGuid(),
            Legs = [onTime.Legs[0] with { ActualDeparture = onTime.Legs[0].PlannedDeparture.AddHours(30) }],
        };
        var report = TrustScore.Compute("shipper", [onTime, late], []);
        Assert.That(report.OnTimeShare, Is.EqualTo(0.5));
    }

    [Test]
    public void Cancelled_shipments_lower_completion()
    {
        var shipments = Enumerable.Range(0, 6).Select(i => Delivered($"s{i}", Carrier, day: 10, status: i < 3 ? "delivered" : "cancelled")).ToList();
        var clean = Enumerable.Range(0, 3).Select(i => Delivered($"s{i}", Carrier, day: 10)).ToList();

        var withCancellations = TrustScore.Compute(Carrier, shipments, []);
        var without = TrustScore.Compute(Carrier, clean, []);

        Assert.Multiple(() =>
        {
            Assert.That(withCancellations.Shipments, Is.EqualTo(3));
            Assert.That(Component(withCancellations, "completion"), Is.LessThan(Component(without, "completion")));
        });
    }

    [Test]
    public void Shipments_where_the_organisation_is_on_both_sides_and_its_own_ratings_count_for_nothing()
    {
        var own = Delivered(Carrier, Carrier, day: 10);
        var report = TrustScore.Compute(Carrier, [own], [new TrustRating(own.Id, Carrier, Carrier, 5)]);
        var nothing = TrustScore.Compute(Carrier, [], []);
        Assert.Multiple(() =>
        {
            Assert.That(report.Shipments, Is.Zero);
            Assert.That(report.Ratings.Count, Is.Zero);
            Assert.That(report.Score, Is.EqualTo(nothing.Score));
        });
    }

    [Test]
    public void Ratings_on_shipments_not_delivered_count_for_nothing()
    {
        var open = Delivered("shipper", Carrier, day: 10) with { Status = "in_transit", DeliveredAt = null };
        var report = TrustScore.Compute(Carrier, [open], [new TrustRating(open.Id, "shipper", Carrier, 1)]);
        Assert.That(report.Ratings.Count, Is.Zero);
    }

    [Test]
    public void Without_a_record_the_score_is_the_prior_and_says_so()
    {
        var report = TrustScore.Compute("new-carrier", [], []);
        var prior = TrustScore.OnTimeWeight * TrustScore.OnTimePrior
            + TrustScore.RatingsWeight * (TrustScore.RatingPrior - 1) / 4
            + TrustScore.CompletionWeight * TrustScore.CompletionPrior;
        Assert.Multiple(() =>
        {
            Assert.That(report.Score, Is.EqualTo((int)Math.Round(100 * prior, MidpointRounding.AwayFromZero)));
            Assert.That(report.OnTimeShare, Is.Null);
            Assert.That(report.Ratings, Is.EqualTo(new RatingSummary(0, null)));
            Assert.That(report.Explanation[0], Does.Contain("prior alone"));
        });
    }

    [Test]
    public void The_components_weights_add_up_to_one_and_the_score_is_their_weighted_sum()
    {
        var (shipments, ratings) = Record(Carrier, 12, i => $"shipper-{i % 5}", i => 3 + i % 3, i => i % 4 == 0 ? 30 : 0);
        var report = TrustScore.Compute(Carrier, shipments, ratings);
        Assert.Multiple(() =>
        {
            Assert.That(report.Components.Sum(c => c.Weight), Is.EqualTo(1.0).Within(1e-9));
            Assert.That(report.Score, Is.EqualTo(Math.Round(100 * report.Components.Sum(c => c.Weight * c.Value))).Within(1));
            Assert.That(report.Score, Is.InRange(0, 100));
            Assert.That(report.Explanation, Has.Some.Contains("9 of 12 legs"));
        });
    }
}
