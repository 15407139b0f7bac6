using TradeHub.Matching.CargoMatching;
using static TradeHub.Matching.Tests.Engine.Corridor;

namespace TradeHub.Matching.Tests.Engine;

public class LaneFitTests
{
    [Test]
    public void Capacity_covering_consecutive_legs_of_the_same_mode_fits()
    {
        var fit = LaneFit.Check(Cargo(), TianjinTashkent, Capacity("CNTSN", "CNKHG", 0, 2, 5), Rules);

        Assert.That(fit.Fits, Is.True, fit.Reason);
        Assert.That(fit.Segment!.FirstLeg, Is.EqualTo(0));
        Assert.That(fit.Segment.LastLeg, Is.EqualTo(1));
        Assert.That(fit.Segment.Departs, Is.EqualTo(Ready));
        Assert.That(fit.Segment.Arrives, Is.EqualTo(Ready.AddDays(5)));
    }

    [Test]
    public void A_later_lane_is_reached_after_the_hours_of_the_legs_before_it()
    {
        // 48 + 60 + 6 = 114 hours: the cargo reaches Altynkol on day 4.
        var fit = LaneFit.Check(Cargo(), TianjinTashkent, Capacity("KZALT", "UZTAS", 0, 10, 3), Rules);

        Assert.That(fit.Fits, Is.True, fit.Reason);
        Assert.That(fit.Segment!.ReachesStart, Is.EqualTo(Ready.AddDays(4)));
        Assert.That(fit.Segment.Departs, Is.EqualTo(Ready.AddDays(4)));
    }

    [Test]
    public void A_window_opening_within_the_slack_makes_the_cargo_wait()
    {
        var fit = LaneFit.Check(Cargo(), TianjinTashkent, Capacity("CNTSN", "CNKHG", 2, 6, 5), Rules);

        Assert.That(fit.Fits, Is.True, fit.Reason);
        Assert.That(fit.Segment!.WaitDays, Is.EqualTo(2));
    }

    [Test]
    public void A_window_opening_after_the_slack_does_not_fit()
    {
        var fit = LaneFit.Check(Cargo(), TianjinTashkent, Capacity("CNTSN", "CNKHG", 4, 8, 5), Rules);

        Assert.That(fit.Fits, Is.False);
        Assert.That(fit.Reason, Does.Contain("more than 3 days after"));
    }

    [Test]
    public void A_window_closing_before_the_cargo_arrives_does_not_fit()
    {
        var fit = LaneFit.Check(Cargo(), TianjinTashkent, Capacity("KZALT", "UZTAS", 0, 2, 3), Rules);

        Assert.That(fit.Fits, Is.False);
        Assert.That(fit.Reason, Does.Contain("closes"));
    }

    [Test]
    public void A_lane_in_another_mode_does_not_fit()
    {
        var fit = LaneFit.Check(Cargo(), TianjinTashkent, Capacity("CNTSN", "CNKHG", 0, 2, 5, mode: "road"), Rules);

        Assert.That(fit.Fits, Is.False);
        Assert.That(fit.Reason, Does.Contain("does not follow"));
    }

    [Test]
    public void A_lane_off_the_route_does_not_fit()
    {
        var fit = LaneFit.Check(Cargo(), TianjinTashkent, Capacity("BYMSQ", "PLWAW", 0, 2, 5), Rules);

        Assert.That(fit.Fits, Is.False);
        Assert.That(fit.Reason, Does.Contain("does not pass BYMSQ"));
    }

    [Test]
    public void Too_little_room_does_not_fit()
    {
        var fit = LaneFit.Check(Cargo(containers: 3), TianjinTashkent, Capacity("CNTSN", "CNKHG", 0, 2, 5, containers: 2), Rules);

        Assert.That(fit.Fits, Is.False);
        Assert.That(fit.Reason, Does.Contain("only 2 of 3 containers"));
    }

    [Test]
    public void A_reefer_does_not_go_in_a_dry_slot_but_a_standard_forty_goes_in_a_high_cube_slot()
    {
        var reefer = LaneFit.Check(Cargo(type: "40RF"), TianjinTashkent, Capacity("CNTSN", "CNKHG", 0, 2, 5, type: "40HC"), Rules);
        var standard = LaneFit.Check(Cargo(type: "40GP"), TianjinTashkent, Capacity("CNTSN", "CNKHG", 0, 2, 5, type: "40HC"), Rules);

        Assert.That(reefer.Fits, Is.False);
        Assert.That(standard.Fits, Is.True);
    }

    [Test]
    public void A_fit_that_would_deliver_late_does_not_fit()
    {
        // Departs day 0, 12 days to Khorgos, then 60 more hours of legs: arrives day 14, deliver-by day 10.
        var fit = LaneFit.Check(Cargo(deliverWithinDays: 10), TianjinTashkent, Capacity("CNTSN", "CNKHG", 0, 2, 12), Rules);

        Assert.That(fit.Fits, Is.False);
        Assert.That(fit.Reason, Does.Contain("after its deliver-by date"));
    }
}
