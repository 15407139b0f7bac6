using TradeHub.Routing.Contracts;

namespace TradeHub.Routing.Tests.Engine;

internal static class RouteAssert
{
    public static bool Dominates(RouteOption a, RouteOption b) =>
        a.TotalHours <= b.TotalHours && a.CostUsd <= b.CostUsd && a.Co2Kg <= b.Co2Kg
        && (a.TotalHours < b.TotalHours || a.CostUsd < b.CostUsd || a.Co2Kg < b.Co2Kg);

    public static void NoneDominated(IReadOnlyList<RouteOption> routes)
    {
        foreach (var a in routes)
            foreach (var b in routes)
                Assert.That(Dominates(a, b), Is.False, $"{a.RouteId} dominates {b.RouteId}");
    }

    public static bool Crosses(RouteOption route, string from, string to) =>
        route.Legs.Any(l => l.From == from && l.To == to);
}
