using TradeHub.Shipments.Common;

namespace TradeHub.Shipments.Tests;

public sealed class EstimationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static Leg Leg(double plannedDepartureHour, double hours) => new()
    {
        From = "A", To = "B", Mode = "rail", Carrier = "c", Nodes = ["A", "B"], Hours = hours,
        PlannedDeparture = T0.AddHours(plannedDepartureHour), PlannedArrival = T0.AddHours(plannedDepartureHour + hours),
        EstimatedDeparture = T0.AddHours(plannedDepartureHour), EstimatedArrival = T0.AddHours(plannedDepartureHour + hours),
    };

    [Test]
    public void A_departure_nine_hours_late_moves_every_later_estimate_by_nine_hours_when_the_plan_held_no_slack()
    {
        List<Leg> legs = [Leg(0, 10) with { ActualDeparture = T0.AddHours(9) }, Leg(10, 20), Leg(30, 5)];
        var estimated = Estimation.Estimate(legs, []);
        Assert.That(estimated.Select(l => l.EstimatedArrival - l.PlannedArrival), Has.All.EqualTo(TimeSpan.FromHours(9)));
    }

    [Test]
    public void Slack_in_the_plan_absorbs_a_late_departure()
    {
        // The second leg waits 4 h for its departure window.
        List<Leg> legs = [Leg(0, 10) with { ActualDeparture = T0.AddHours(9) }, Leg(14, 20)];
        var estimated = Estimation.Estimate(legs, []);
        Assert.Multiple(() =>
        {
            Assert.That(estimated[0].EstimatedArrival, Is.EqualTo(T0.AddHours(19)));
            Assert.That(estimated[1].EstimatedDeparture, Is.EqualTo(T0.AddHours(19)));
            Assert.That(estimated[1].EstimatedArrival - estimated[1].PlannedArrival, Is.EqualTo(TimeSpan.FromHours(5)));
        });
    }

    [Test]
    public void An_early_departure_does_not_pull_later_legs_before_their_plan()
    {
        List<Leg> legs = [Leg(0, 10) with { ActualDeparture = T0.AddHours(-3) }, Leg(10, 20)];
        var estimated = Estimation.Estimate(legs, []);
        Assert.That(estimated[1].EstimatedDeparture, Is.EqualTo(T0.AddHours(10)));
    }

    [Test]
    public void A_carriers_estimate_stands_for_a_time_not_yet_actual()
    {
        List<Leg> legs = [Leg(0, 10), Leg(10, 20)];
        var estimated = Estimation.Estimate(legs, [new CarrierEstimate(0, "ARRI", T0.AddHours(16))]);
        Assert.That(estimated[1].EstimatedArrival, Is.EqualTo(T0.AddHours(36)));
    }
}
