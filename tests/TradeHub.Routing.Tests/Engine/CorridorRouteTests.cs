using TradeHub.Routing.Network;
using TradeHub.Routing.Routes;

namespace TradeHub.Routing.Tests.Engine;

/// <summary>Routes on the real corridor network, checked against samples/corridors/facts.md.</summary>
public class CorridorRouteTests
{
    private static RoutePlan Plan(string from, string to, Objective objective = Objective.Fastest, string[]? avoid = null,
        NetworkSnapshot? snapshot = null, DateOnly? ready = null, LegMode modes = LegMode.All) =>
        RoutePlanner.Plan(snapshot ?? Corridor.Snapshot(), new RouteRequest
        {
            From = from, To = to, Objective = objective, Max = 10, Avoid = avoid ?? [], ReadyDate = ready ?? new DateOnly(2026, 12, 1), Modes = modes,
        });

    [Test]
    public void Tianjin_to_Tashkent_crosses_at_Khorgos_with_one_gauge_change_and_two_customs_borders()
    {
        var plan = Plan("CNTSN", "UZTAS");
        var fastest = plan.Routes[0];
        Assert.That(plan.Exact, Is.True);
        Assert.That(RouteAssert.Crosses(fastest, "CNKHG", "KZALT"), Is.True);
        Assert.That(fastest.GaugeChanges, Is.EqualTo(1));
        Assert.That(fastest.BorderCrossings, Is.EqualTo(2), "CN->KZ at Altynkol and KZ->UZ at Saryagash");
        Assert.That(fastest.InternalBorderCrossings, Is.EqualTo(0));
        // facts.md: ~14 days (2025 report) and ~10 days for the scheduled train from Oct 2025.
        Assert.That(fastest.TotalHours / 24, Is.InRange(8.5, 14.0));
        RouteAssert.NoneDominated(plan.Routes);
    }

    [Test]
    public void Tianjin_to_Minsk_crosses_at_Dostyk_with_one_customs_border_and_two_internal_EAEU_borders()
    {
        var plan = Plan("CNTSN", "BYMSQ");
        var fastest = plan.Routes[0];
        Assert.That(RouteAssert.Crosses(fastest, "CNAKS", "KZDOS"), Is.True);
        Assert.That(fastest.GaugeChanges, Is.EqualTo(1));
        Assert.That(fastest.BorderCrossings, Is.EqualTo(1), "only CN->KZ; KZ->RU and RU->BY are inside the EAEU");
        Assert.That(fastest.InternalBorderCrossings, Is.EqualTo(2));
        // facts.md: the first Tianjin-Minsk train took 12-13 days; Beijing-Minsk ~15 days.
        Assert.That(fastest.TotalHours / 24, Is.InRange(11.0, 17.0));
        RouteAssert.NoneDominated(plan.Routes);
    }

    [Test]
    public void Chongqing_to_Duisburg_by_rail_changes_gauge_twice_and_sea_is_the_cheap_slow_option()
    {
        var plan = Plan("CNCKG", "DEDUI");
        var fastest = plan.Routes[0];
        Assert.That(RouteAssert.Crosses(fastest, "BYBQT", "PLMAL"), Is.True);
        Assert.That(fastest.GaugeChanges, Is.EqualTo(2));
        Assert.That(fastest.BorderCrossings, Is.EqualTo(2), "CN->KZ and BY->PL (EU entry)");
        Assert.That(fastest.InternalBorderCrossings, Is.EqualTo(3), "KZ->RU, RU->BY, PL->DE");
        // Calibration against the 5,800 USD/FEU through rate of Jan 2025 (facts.md section 2).
        Assert.That((double)fastest.CostUsd, Is.InRange(5800 * 0.85, 5800 * 1.15));
        var cheapest = Plan("CNCKG", "DEDUI", Objective.Cheapest).Routes[0];
        Assert.That(cheapest.Legs.Any(l => l.Mode == "sea" && l.To == "NLRTM"), Is.True);
        Assert.That(cheapest.TotalHours, Is.GreaterThan(fastest.TotalHours));
        RouteAssert.NoneDominated(plan.Routes);
    }

    [Test]
    public void Avoiding_Russia_and_Belarus_leaves_only_routes_without_their_nodes()
    {
        var avoid = Corridor.Load().Nodes.Where(n => n.Country is "RU" or "BY").Select(n => n.Id).ToArray();
        var plan = Plan("CNCKG", "DEDUI", avoid: avoid);
        Assert.That(plan.Found, Is.True);
        Assert.That(plan.Routes.SelectMany(r => r.Legs).Any(l => avoid.Contains(l.From) || avoid.Contains(l.To)), Is.False);
        Assert.That(plan.Routes.All(r => r.GaugeChanges == 0), Is.True, "the sea route keeps to 1435 mm");
        RouteAssert.NoneDominated(plan.Routes);
    }

    [Test]
    public void Middle_Corridor_to_Constanta_crosses_the_Caspian_and_four_customs_borders()
    {
        var avoid = Corridor.Load().Nodes.Where(n => n.Country is "RU" or "BY").Select(n => n.Id).ToArray();
        var plan = Plan("CNXIY", "ROCND", avoid: avoid);
        var fastest = plan.Routes[0];
        Assert.That(fastest.Legs.Any(l => l.Mode == "ferry" && l.To == "AZALY"), Is.True, "Aktau/Kuryk -> Alat");
        Assert.That(fastest.Legs.Any(l => l.Mode == "ferry" && l.To == "ROCND"), Is.True, "Poti -> Constanta");
        Assert.That(fastest.BorderCrossings, Is.EqualTo(4), "CN->KZ, KZ->AZ, AZ->GE, GE->RO");
        Assert.That(fastest.GaugeChanges, Is.EqualTo(1));
        RouteAssert.NoneDominated(plan.Routes);
    }

    [Test]
    public void Closed_crossing_forces_another_path()
    {
        var closure = new Disruption(Guid.NewGuid(), null, "CNKHG-KZALT-rail", new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 10), "works", DateTimeOffset.UtcNow);
        var plan = Plan("CNTSN", "UZTAS", snapshot: Corridor.Snapshot(closure));
        Assert.That(plan.Routes.Any(r => r.Legs.Any(l => l.LegId == "CNKHG-KZALT-rail")), Is.False);
        var fastest = plan.Routes[0];
        Assert.That(RouteAssert.Crosses(fastest, "CNAKS", "KZDOS"), Is.True, "Alashankou-Dostyk takes over");
        Assert.That(fastest.GaugeChanges, Is.EqualTo(1));
        Assert.That(fastest.BorderCrossings, Is.EqualTo(2));
        RouteAssert.NoneDominated(plan.Routes);

        var later = Plan("CNTSN", "UZTAS", snapshot: Corridor.Snapshot(closure), ready: new DateOnly(2026, 12, 11));
        Assert.That(RouteAssert.Crosses(later.Routes[0], "CNKHG", "KZALT"), Is.True, "the closure is over by then");
    }

    [Test]
    public void Closed_border_node_diverts_Tianjin_Minsk_away_from_Dostyk()
    {
        var closure = new Disruption(Guid.NewGuid(), "KZDOS", null, new DateOnly(2026, 11, 1), new DateOnly(2026, 12, 31), "queue", DateTimeOffset.UtcNow);
        var plan = Plan("CNTSN", "BYMSQ", snapshot: Corridor.Snapshot(closure));
        Assert.That(plan.Routes.SelectMany(r => r.Legs).Any(l => l.To == "KZDOS" || l.From == "KZDOS"), Is.False);
        Assert.That(plan.Routes[0].GaugeChanges, Is.EqualTo(1));
        RouteAssert.NoneDominated(plan.Routes);
    }

    [Test]
    public void Rail_only_to_Tashkent_uses_no_road_leg_and_road_only_finds_no_route_from_Tianjin()
    {
        var rail = Plan("CNTSN", "UZTAS", modes: LegMode.Rail);
        Assert.That(rail.Routes.SelectMany(r => r.Legs).All(l => l.Mode == "rail"), Is.True);
        Assert.That(Plan("CNTSN", "UZTAS", modes: LegMode.Road).Found, Is.False);
    }

    [Test]
    public void Container_count_and_type_scale_cost_and_co2_but_not_hours()
    {
        var one = Plan("CNTSN", "UZTAS").Routes[0];
        var plan = RoutePlanner.Plan(Corridor.Snapshot(), new RouteRequest
        {
            From = "CNTSN", To = "UZTAS", Objective = Objective.Fastest, ReadyDate = new DateOnly(2026, 12, 1),
            Shipment = new Shipment(3, ContainerType.Parse("20GP")!),
        });
        var three20 = plan.Routes[0];
        Assert.That(three20.TotalHours, Is.EqualTo(one.TotalHours));
        Assert.That((double)three20.CostUsd, Is.EqualTo((double)one.CostUsd * 3 * 0.6).Within(3));
        Assert.That(three20.Co2Kg, Is.EqualTo(one.Co2Kg * 3 * 0.5).Within(1));
        var reefer = RoutePlanner.Plan(Corridor.Snapshot(), new RouteRequest
        {
            From = "CNTSN", To = "UZTAS", Objective = Objective.Fastest, ReadyDate = new DateOnly(2026, 12, 1),
            Shipment = new Shipment(1, ContainerType.Parse("40RF")!),
        }).Routes[0];
        Assert.That(reefer.CostUsd, Is.GreaterThan(one.CostUsd));
    }

    [Test]
    public void Macro_edges_stay_out_of_routing_and_the_leg_sums_land_near_their_benchmarks()
    {
        var network = Corridor.Load();
        Assert.That(network.Nodes, Has.Count.EqualTo(59));
        Assert.That(network.AllLegs, Has.Count.EqualTo(87));
        Assert.That(network.Legs, Has.Count.EqualTo(82));
        foreach (var macro in network.AllLegs.Where(l => l.MacroEdge))
        {
            var fastest = Plan(macro.From, macro.To, modes: LegMode.Rail).Routes[0];
            var legHours = fastest.TotalHours - fastest.TerminalHours;
            var benchmark = LegRecord.Midpoint(macro.TransitHours);
            TestContext.Out.WriteLine($"{macro.Id}: legs {legHours:F0} h vs {benchmark:F0} h; ${fastest.CostUsd} vs {macro.CostUsdPerFeu}");
            Assert.That(legHours, Is.InRange(benchmark * 0.8, benchmark * 1.45), macro.Id);
            if (macro.CostUsdPerFeu is { } cost)
                Assert.That((double)fastest.CostUsd, Is.InRange((double)cost * 0.8, (double)cost * 1.2), macro.Id);
        }
    }

    [Test]
    public void Every_objective_ranks_its_own_optimum_first()
    {
        foreach (var objective in Enum.GetValues<Objective>())
        {
            var routes = Plan("CNCKG", "DEDUI", objective).Routes;
            Assert.That(routes, Is.Not.Empty);
            if (objective == Objective.Fastest) Assert.That(routes[0].TotalHours, Is.EqualTo(routes.Min(r => r.TotalHours)));
            if (objective == Objective.Cheapest) Assert.That(routes[0].CostUsd, Is.EqualTo(routes.Min(r => r.CostUsd)));
            if (objective == Objective.Greenest) Assert.That(routes[0].Co2Kg, Is.EqualTo(routes.Min(r => r.Co2Kg)));
        }
    }
}
