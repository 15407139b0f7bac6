using TradeHub.Routing.Network;
using TradeHub.Routing.Routes;

namespace TradeHub.Routing.Tests.Engine;

[Explicit]
public class Explore
{
    [TestCase("CNTSN", "UZTAS")]
    [TestCase("CNTSN", "BYMSQ")]
    [TestCase("CNCKG", "DEDUI")]
    [TestCase("CNXIY", "DEDUI")]
    [TestCase("CNCGO", "DEHAM")]
    [TestCase("KZDOS", "BYBQT")]
    public void Print(string from, string to)
    {
        var plan = RoutePlanner.Plan(Corridor.Snapshot(), new RouteRequest { From = from, To = to, Max = 50, Objective = Objective.Fastest });
        TestContext.Out.WriteLine($"{from}->{to} exact={plan.Exact} n={plan.Routes.Count}");
        foreach (var r in plan.Routes)
            TestContext.Out.WriteLine($"  {r.TotalHours,7}h {r.TotalHours / 24,5:F1}d ${r.CostUsd,6} {r.Co2Kg,7}kg {r.TotalDistanceKm,6}km cb={r.BorderCrossings} ib={r.InternalBorderCrossings} g={r.GaugeChanges} {string.Join(" ", r.Legs.Select(l => l.To + "/" + l.Mode[..2]))}");
    }
}
