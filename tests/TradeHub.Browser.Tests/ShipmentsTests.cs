namespace TradeHub.Browser.Tests;

public sealed class ShipmentsTests : DashboardTest
{
    [Test]
    public async Task The_shipper_sees_a_shipments_planned_estimated_and_actual_times_its_position_on_the_map_and_its_delay_in_words()
    {
        var smeOrg = Unique("ship-sme");
        var carrierOrg = Unique("ship-carrier");
        var sme = await Api.Token(smeOrg, "sme");
        var carrier = await Api.Token(carrierOrg, "carrier");
        var booked = await Scenes.Shipment(Api, sme, carrier);
        var first = booked.Leg(0, "from");
        await Scenes.Event(Api, carrier, booked.Id, "DEPA", "ACT", first, DateTimeOffset.UtcNow.AddHours(-2));
        // The carrier now expects to arrive a fortnight after the deliver-by date: the shipment is delayed.
        var last = booked.Legs.Count - 1;
        await Scenes.Event(Api, carrier, booked.Id, "ARRI", "EST", booked.Leg(last, "to"),
            DateTimeOffset.UtcNow.Date.AddDays(55));

        var page = await OpenPage();
        await page.SignIn(smeOrg, "sme");
        await page.WaitFor($"[data-testid=shipments-table] tr[data-shipment-id='{booked.Id}']");
        await page.Page.Locator($"tr[data-shipment-id='{booked.Id}'] [data-testid=shipment-show]").ClickAsync();
        await page.WaitFor($"[data-testid=shipment-detail][data-shipment-id='{booked.Id}'] [data-testid=shipment-legs]");
        await Screenshot(page, "shipment-timeline");

        var detail = page.ByTestId("shipment-detail");
        Assert.Multiple(async () =>
        {
            Assert.That(await detail.Locator("[data-testid=shipment-legs] tbody tr").CountAsync(), Is.EqualTo(booked.Legs.Count), "a row per leg");
            Assert.That(await detail.Locator("[data-testid=shipment-legs] tr[data-leg='0']").GetAttributeAsync("data-actual-departure"), Is.Not.Empty,
                "the first leg's actual departure");
            Assert.That(await detail.Locator("[data-testid=shipment-legs] tr[data-leg='0'] .times.planned").CountAsync(), Is.EqualTo(1));
            Assert.That(await detail.Locator("[data-testid=shipment-legs] tr[data-leg='0'] .times.estimated").CountAsync(), Is.EqualTo(1));
            Assert.That(await detail.Locator("[data-testid=shipment-legs] tr[data-leg='0'] .times.actual").CountAsync(), Is.EqualTo(1));
            foreach (var classifier in new[] { "PLN", "EST", "ACT" })
                Assert.That(await detail.Locator($"[data-testid=shipment-timeline] tr[data-classifier={classifier}]").CountAsync(), Is.GreaterThan(0),
                    $"{classifier} entries on the timeline");
            Assert.That(await page.ByTestId("shipment-alert-delayed").InnerTextAsync(), Does.StartWith("Delayed: the estimated arrival"));
            Assert.That(await page.ByTestId("shipment-position").InnerTextAsync(), Does.Contain("since"));
            Assert.That(await page.Page.Locator("[data-testid=map] [data-testid=map-shipment-position]").GetAttributeAsync("data-node"), Is.EqualTo(first));
            Assert.That(await page.Page.Locator("[data-testid=map] [data-testid=map-route]").CountAsync(), Is.EqualTo(1), "its route on the map");
            Assert.That(await page.ByTestId("shipment-event-form").CountAsync(), Is.Zero, "a shipper reports no tracking events");
            Assert.That(await page.SettledConsoleErrors(), Is.Empty);
        });

        await page.ByTestId("lang-select").SelectOptionAsync("ru");
        await page.WaitFor("[data-testid=shipments] h2");
        var russian = await page.ByTestId("shipments").Locator("h2").InnerTextAsync();
        await page.ByTestId("lang-select").SelectOptionAsync("zh");
        var chinese = await page.ByTestId("shipments").Locator("h2").InnerTextAsync();
        Assert.Multiple(() =>
        {
            Assert.That(russian, Is.EqualTo("Перевозки"));
            Assert.That(chinese, Is.EqualTo("运单"));
        });
    }

    [Test]
    public async Task A_carrier_posts_a_departure_on_its_leg_and_both_parties_see_it_as_actual_and_an_impossible_arrival_is_refused_beside_its_field()
    {
        var smeOrg = Unique("ship-sme");
        var carrierOrg = Unique("ship-carrier");
        var sme = await Api.Token(smeOrg, "sme");
        var carrier = await Api.Token(carrierOrg, "carrier");
        var booked = await Scenes.Shipment(Api, sme, carrier);
        var first = booked.Leg(0, "from");

        // The shipper watches the shipment while the carrier reports: the timeline updates live.
        var shipper = await OpenPage();
        await shipper.SignIn(smeOrg, "sme");
        await shipper.Page.Locator($"tr[data-shipment-id='{booked.Id}'] [data-testid=shipment-show]").ClickAsync();
        await shipper.WaitFor($"[data-testid=shipment-detail][data-shipment-id='{booked.Id}'] [data-testid=shipment-timeline]");

        var page = await OpenPage();
        await page.SignIn(carrierOrg, "carrier");
        await page.Page.Locator($"tr[data-shipment-id='{booked.Id}'] [data-testid=shipment-show]").ClickAsync();
        await page.WaitFor("[data-testid=shipment-event-form]");
        Assert.Multiple(async () =>
        {
            Assert.That(await page.ByTestId("event-type").InputValueAsync(), Is.EqualTo("DEPA"), "the next thing to report");
            Assert.That(await page.ByTestId("event-location").InputValueAsync(), Is.EqualTo(first));
        });
        var departed = DateTime.UtcNow.AddHours(-1);
        await page.ByTestId("event-eventDateTime").FillAsync(departed.ToString("yyyy-MM-ddTHH:mm"));
        await page.ByTestId("event-submit").ClickAsync();
        await page.WaitFor("[data-testid=shipment-timeline] tr[data-classifier=ACT][data-type=DEPA]");
        await shipper.WaitFor("[data-testid=shipment-timeline] tr[data-classifier=ACT][data-type=DEPA]", Eventually);
        await Screenshot(page, "shipment-carrier-event");

        var shipment = await Api.Send(HttpMethod.Get, $"api/shipments/{booked.Id}", sme);
        Assert.Multiple(async () =>
        {
            Assert.That(shipment["legs"]![0]!["actualDeparture"], Is.Not.Null);
            Assert.That(shipment["status"]!.GetValue<string>(), Is.EqualTo("in_transit"));
            Assert.That(await page.Page.Locator("[data-testid=shipment-legs] tr[data-leg='0']").GetAttributeAsync("data-actual-departure"), Is.Not.Empty);
            Assert.That(await page.ByTestId("event-type").InputValueAsync(), Is.EqualTo("ARRI"), "next, the arrival");
            Assert.That(await page.SettledConsoleErrors(), Is.Empty);
            Assert.That(await shipper.SettledConsoleErrors(), Is.Empty);
        });

        // An arrival before the leg departed cannot be true: the service's 400 lands beside the time.
        await page.ByTestId("event-location").SelectOptionAsync(booked.Leg(0, "to"));
        await page.ByTestId("event-eventDateTime").FillAsync(departed.AddHours(-3).ToString("yyyy-MM-ddTHH:mm"));
        await page.ByTestId("event-submit").ClickAsync();
        await page.WaitFor("[data-testid=shipment-event-form] [data-testid=error-eventDateTime]:not(:empty)");
        Assert.That(await page.ByTestId("error-eventDateTime").InnerTextAsync(), Does.Contain("before the leg departed"));
    }

    [Test]
    public async Task A_trade_office_reads_border_dwell_per_crossing_as_bars_of_p50_and_p90()
    {
        // Three shipments over the same crossing, each with a departure and an arrival at its two sides (a group of
        // fewer than three is withheld).
        var sme = await Api.Token(Unique("perf-sme"), "sme");
        var carrier = await Api.Token(Unique("perf-carrier"), "carrier");
        string? crossing = null;
        for (var i = 0; i < 3; i++)
        {
            var booked = await Scenes.Shipment(Api, sme, carrier);
            var routeLegs = booked.Route["legs"]!.AsArray();
            Assert.That(booked.Legs, Has.Count.EqualTo(routeLegs.Count), "an awarded bid books a leg per route leg");
            var k = routeLegs.Select((l, n) => (l, n)).First(x => x.l!["borderCrossing"]!.GetValue<bool>()).n;
            var (from, to) = (booked.Leg(k, "from"), booked.Leg(k, "to"));
            crossing ??= $"{from}-{to}";
            Assert.That($"{from}-{to}", Is.EqualTo(crossing), "the same best route each time");
            await Scenes.Event(Api, carrier, booked.Id, "DEPA", "ACT", from, DateTimeOffset.UtcNow.AddHours(-30 + i));
            await Scenes.Event(Api, carrier, booked.Id, "ARRI", "ACT", to, DateTimeOffset.UtcNow.AddHours(-20));
        }

        var page = await OpenPage();
        await page.SignIn(Unique("perf-office"), "trade_office");
        await page.WaitFor($"[data-testid=dwell-chart] [data-testid=dwell-bar-p50][data-group='{crossing}']");
        await Screenshot(page, "corridor-performance");

        var row = page.Page.Locator($"[data-testid=performance-table] tr[data-group='{crossing}']");
        Assert.Multiple(async () =>
        {
            Assert.That(await page.Page.Locator($"[data-testid=dwell-bar-p90][data-group='{crossing}']").CountAsync(), Is.EqualTo(1));
            Assert.That(double.Parse(await page.Page.Locator($"[data-testid=dwell-bar-p50][data-group='{crossing}']").GetAttributeAsync("data-hours") ?? "0",
                System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(0));
            Assert.That(int.Parse(await row.GetAttributeAsync("data-shipments") ?? "0"), Is.GreaterThanOrEqualTo(3));
            Assert.That(await page.ByTestId("dwell-chart").GetAttributeAsync("aria-label"), Does.Contain("p90"));
            Assert.That(await page.ByTestId("performance-groupBy").InputValueAsync(), Is.EqualTo("crossing"));
            Assert.That(await page.SettledConsoleErrors(), Is.Empty);
        });
    }
}
