namespace TradeHub.Browser.Tests;

public sealed class TendersTests : DashboardTest
{
    [Test]
    public async Task An_sme_builds_a_tender_from_lanes_picked_on_the_map_and_in_the_lists_and_opens_it()
    {
        var smeOrg = Unique("tender-sme");
        var page = await OpenPage();
        await page.SignIn(smeOrg, "sme");
        await page.WaitFor("[data-testid=tender-form]");
        var title = Unique("Autumn season");
        await page.ByTestId("tender-title").FillAsync(title);

        // The first lane by clicking its two cities on the map, the second from the lists.
        await page.ByTestId("tender-pick-map").ClickAsync();
        await page.ByTestId("map-node-CNTSN").ClickAsync();
        await page.ByTestId("map-node-UZTAS").ClickAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(await page.ByTestId("tender-lane-origin").InputValueAsync(), Is.EqualTo("CNTSN"));
            Assert.That(await page.ByTestId("tender-lane-destination").InputValueAsync(), Is.EqualTo("UZTAS"));
        });
        await page.ByTestId("tender-lane-add").ClickAsync();
        await page.ByTestId("tender-lane-origin").SelectOptionAsync("CNTSN");
        await page.ByTestId("tender-lane-destination").SelectOptionAsync("KZALA");
        await page.ByTestId("tender-lane-count").FillAsync("6");
        await page.ByTestId("tender-lane-add").ClickAsync();
        await page.WaitFor("[data-testid=tender-lanes-table] tr[data-ref=L2]");
        var drawn = await page.Page.Locator("[data-testid=map] [data-testid=map-tender-lane]").CountAsync();

        await page.ByTestId("tender-submit").ClickAsync();
        await page.WaitFor("[data-testid=tender-detail][data-status=open]");
        await Screenshot(page, "tender-opened");

        var tenders = await Api.Send(HttpMethod.Get, "api/tenders", await Api.Token(smeOrg, "sme"));
        var opened = tenders["items"]!.AsArray().Single(t => t!["title"]!.GetValue<string>() == title)!;
        var tender = await Api.Send(HttpMethod.Get, $"api/tenders/{opened["id"]!.GetValue<string>()}", await Api.Token(smeOrg, "sme"));
        Assert.Multiple(async () =>
        {
            Assert.That(drawn, Is.EqualTo(2), "the two lanes on the map while building");
            Assert.That(tender["status"]!.GetValue<string>(), Is.EqualTo("open"));
            Assert.That(tender["lanes"]!.AsArray().Select(l => $"{l!["origin"]}-{l["destination"]}"), Is.EqualTo(new[] { "CNTSN-UZTAS", "CNTSN-KZALA" }));
            Assert.That(tender["lanes"]![1]!["containers"]!["count"]!.GetValue<int>(), Is.EqualTo(6));
            Assert.That(await page.Page.Locator($"[data-testid=tenders-table] tr[data-tender-id='{opened["id"]}'] [data-testid=tender-status]").InnerTextAsync(), Is.EqualTo("Open"));
            Assert.That(await page.SettledConsoleErrors(), Is.Empty);
        });

        // A tender without lanes is refused by the service, naming the field.
        await page.ByTestId("tender-title").FillAsync(Unique("Empty"));
        await page.ByTestId("tender-submit").ClickAsync();
        await page.WaitFor("[data-testid=error-lanes]:not(:empty)");
    }

    [Test]
    public async Task A_carrier_sees_an_open_tender_and_bids_on_two_packages_of_its_lanes()
    {
        var sme = await Api.Token(Unique("tender-sme"), "sme");
        var tenderId = await Scenes.Tender(Api, sme, Unique("Season"));
        var carrierOrg = Unique("tender-carrier");
        var page = await OpenPage();
        await page.SignIn(carrierOrg, "carrier");
        await page.WaitFor($"[data-testid=tenders-table] tr[data-tender-id='{tenderId}']");
        await page.Page.Locator($"tr[data-tender-id='{tenderId}'] [data-testid=tender-bid]").ClickAsync();
        await page.WaitFor("[data-testid=tender-bid-form]");

        // A price of 0 is refused by the service.
        await page.ByTestId("bid-price-P1-L1").FillAsync("0");
        await page.ByTestId("tender-bid-submit").ClickAsync();
        await page.WaitFor("[data-testid=tender-bid-status].error");

        // Both lanes together, or the first alone at a higher price.
        await page.ByTestId("bid-price-P1-L1").FillAsync("2100");
        await page.ByTestId("bid-price-P1-L2").FillAsync("1900");
        await page.ByTestId("tender-package-add").ClickAsync();
        await page.ByTestId("bid-price-P2-L1").FillAsync("2400");
        await page.ByTestId("tender-bid-submit").ClickAsync();
        await page.WaitFor("[data-testid=tender-bid-status].ok");
        await Screenshot(page, "tender-bid");

        var tender = await Api.Send(HttpMethod.Get, $"api/tenders/{tenderId}", await Api.Token(carrierOrg, "carrier"));
        var packages = tender["yourBid"]!["packages"]!.AsArray();
        Assert.Multiple(async () =>
        {
            Assert.That(packages.Select(p => p!["ref"]!.GetValue<string>()), Is.EqualTo(new[] { "P1", "P2" }));
            Assert.That(packages[0]!["lanes"]!.AsArray().Select(l => l!["ref"]!.GetValue<string>()), Is.EqualTo(new[] { "L1", "L2" }));
            Assert.That(packages[1]!["lanes"]![0]!["pricePerContainer"]!.GetValue<decimal>(), Is.EqualTo(2400m));
            Assert.That(await page.Page.Locator("[data-testid=map] [data-testid=map-tender-lane]").CountAsync(), Is.EqualTo(2), "the tender's lanes on the map");
        });
    }

    [Test]
    public async Task The_sme_closes_a_tender_and_sees_the_award_with_its_savings_and_the_awarded_lanes_on_the_map()
    {
        var smeOrg = Unique("tender-sme");
        var sme = await Api.Token(smeOrg, "sme");
        var tenderId = await Scenes.Tender(Api, sme, Unique("Season"));
        // A bundle of both lanes beats the two best single-lane bids.
        var bundler = Unique("bundle-carrier");
        await Bid(tenderId, bundler, ("B", [("L1", 1000m), ("L2", 1000m)]));
        await Bid(tenderId, Unique("lane-carrier"), ("S1", [("L1", 1200m)]));
        await Bid(tenderId, Unique("lane-carrier"), ("S2", [("L2", 1250m)]));

        var page = await OpenPage();
        await page.SignIn(smeOrg, "sme");
        await page.Page.Locator($"tr[data-tender-id='{tenderId}'] [data-testid=tender-close]").ClickAsync();
        await page.WaitFor("[data-testid=tender-detail][data-status=awarded] [data-testid=tender-award]", Eventually);
        await Screenshot(page, "tender-award");

        var award = page.ByTestId("tender-award");
        Assert.Multiple(async () =>
        {
            Assert.That(await award.Locator("[data-testid=award-assignments] tbody tr").CountAsync(), Is.EqualTo(2));
            Assert.That(await award.Locator($"[data-testid=award-assignments] tr[data-carrier='{bundler}']").CountAsync(), Is.EqualTo(2), "the bundle wins both lanes");
            Assert.That(await page.ByTestId("award-total").InnerTextAsync(), Does.Contain("8,000"));
            Assert.That(await page.ByTestId("award-lane-by-lane").InnerTextAsync(), Does.Contain("9,800"));
            Assert.That(await page.ByTestId("award-savings").InnerTextAsync(), Does.Contain("1,800"));
            Assert.That(await page.ByTestId("award-optimal").InnerTextAsync(), Is.EqualTo("Proven optimal"));
            Assert.That(await award.Locator("[data-testid=award-explanation] li").CountAsync(), Is.GreaterThan(0));
            Assert.That(await page.Page.Locator("[data-testid=map] [data-testid=map-tender-lane][data-awarded=true]").CountAsync(), Is.EqualTo(2));
            Assert.That(await page.SettledConsoleErrors(), Is.Empty);
        });

        // The winner sees the lanes it won.
        var winner = await OpenPage();
        await winner.SignIn(bundler, "carrier");
        await winner.Page.Locator($"tr[data-tender-id='{tenderId}'] [data-testid=tender-show]").ClickAsync();
        await winner.WaitFor("[data-testid=tender-award] [data-testid=award-assignments]");
        Assert.That(await winner.Page.Locator("[data-testid=award-assignments] tbody tr").CountAsync(), Is.EqualTo(2));
    }

    private static async Task Bid(string tenderId, string carrierOrg, params (string Ref, (string Lane, decimal Price)[] Lanes)[] packages) =>
        await Api.Send(HttpMethod.Post, $"api/tenders/{tenderId}/bids", await Api.Token(carrierOrg, "carrier"), new
        {
            packages = packages.Select(p => new { @ref = p.Ref, lanes = p.Lanes.Select(l => new { @ref = l.Lane, pricePerContainer = l.Price }) }),
        });
}
