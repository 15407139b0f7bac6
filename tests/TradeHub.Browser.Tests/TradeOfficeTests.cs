namespace TradeHub.Browser.Tests;

public sealed class TradeOfficeTests : DashboardTest
{
    private const string TotalContainers =
        "() => [...document.querySelectorAll('[data-testid=flows-table] tr[data-containers]')].reduce((s, r) => s + Number(r.dataset.containers), 0)";

    [Test]
    public async Task Trade_office_sees_a_new_flow_appear_without_reloading()
    {
        var office = await OpenPage();
        await office.SignIn(Unique("trade-office"), "trade_office");
        await office.WaitFor("[data-testid=flows-updated]:not(:empty)");
        var before = await office.Page.EvaluateAsync<int>(TotalContainers);

        // Awarded bids count as flows: make three through the API while the page stays open (a row of fewer
        // than three deals is withheld, so it would not show).
        var sme = await Api.Token(Unique("sme"), "sme");
        var carrier = await Api.Token(Unique("carrier"), "carrier");
        for (var i = 0; i < 3; i++)
        {
            var offer = await Api.Send(HttpMethod.Post, "api/cargo-offers", sme, new
            {
                origin = "CNTSN", destination = "UZTAS", readyDate = Gateway.Date(5), deliverBy = Gateway.Date(40),
                containers = new { count = 3, type = "40HC" }, weightKg = 24000, hsCode = "520812",
            });
            var offerId = offer["id"]!.GetValue<string>();
            // The flow takes its corridor from the offer's route: awarded once routed, the three share one row.
            for (var wait = 0; wait < 120; wait++)
            {
                var routes = await Api.Send(HttpMethod.Get, $"api/cargo-offers/{offerId}/routes", sme);
                if (routes["status"]?.GetValue<string>() == "ready") break;
                await Task.Delay(500);
            }
            var bid = await Api.Send(HttpMethod.Post, $"api/cargo-offers/{offerId}/bids", carrier, new
            {
                price = new { amount = 6100, currency = "USD" }, transitDays = 12, validUntil = Gateway.Date(7),
            });
            await Api.Send(HttpMethod.Post, $"api/cargo-offers/{offerId}/bids/{bid["id"]!.GetValue<string>()}/award", sme);
        }

        await office.Page.WaitForFunctionAsync($"() => ({TotalContainers})() >= {before + 3}", null,
            new PageWaitForFunctionOptions { Timeout = Eventually, PollingInterval = 500 });
        await Screenshot(office, "trade-office-live");

        Assert.Multiple(async () =>
        {
            Assert.That(await office.Page.EvaluateAsync<int>(TotalContainers), Is.GreaterThanOrEqualTo(before + 3));
            Assert.That(await office.Page.Locator("[data-testid=map] [data-testid=map-flow]").CountAsync(), Is.GreaterThan(0));
            Assert.That(await office.Page.Locator("[data-testid=month-bar]").CountAsync(), Is.GreaterThan(0));
        });
    }
}
