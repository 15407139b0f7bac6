namespace TradeHub.Browser.Tests;

public sealed class CargoOfferTests : DashboardTest
{
    private static async Task<string> PostCargoOffer(DashboardPage sme, string origin, string destination, int containers)
    {
        await sme.ByTestId("cargo-origin").SelectOptionAsync(origin);
        await sme.ByTestId("cargo-destination").SelectOptionAsync(destination);
        await sme.ByTestId("cargo-containers-count").FillAsync(containers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await sme.ByTestId("cargo-hsCode").FillAsync("520812");
        await sme.ByTestId("cargo-submit").ClickAsync();
        await sme.WaitFor("[data-testid=offer-detail][data-offer-id]");
        return (await sme.ByTestId("offer-detail").GetAttributeAsync("data-offer-id"))!;
    }

    [Test]
    public async Task Sme_posts_a_cargo_offer_and_sees_its_routes_on_the_map()
    {
        var sme = await OpenPage();
        await sme.SignIn(Unique("sme"), "sme");

        var offerId = await PostCargoOffer(sme, "CNTSN", "UZTAS", 2);
        await sme.WaitFor("[data-testid=route-card]", Eventually);
        await sme.WaitFor("[data-testid=map] [data-testid=map-route] path.route-leg");
        await Screenshot(sme, "sme-routes");

        var firstRoute = sme.ByTestId("route-card").First;
        Assert.Multiple(async () =>
        {
            Assert.That(offerId, Is.Not.Empty);
            Assert.That(await sme.Page.Locator($"[data-testid=my-offers-table] tr[data-offer-id='{offerId}']").CountAsync(), Is.EqualTo(1));
            Assert.That(await firstRoute.GetByTestId("route-time").InnerTextAsync(), Does.Match(@"\d"));
            Assert.That(await firstRoute.GetByTestId("route-cost").InnerTextAsync(), Does.Match(@"\d"));
            Assert.That(await firstRoute.GetByTestId("route-co2").InnerTextAsync(), Does.Match(@"\d"));
            Assert.That(await firstRoute.GetByTestId("route-borders").InnerTextAsync(), Does.Match(@"\d"));
            Assert.That(await firstRoute.GetByTestId("route-gauge").InnerTextAsync(), Does.Match(@"\d"));
        });
    }

    [Test]
    public async Task A_bad_field_shows_the_api_message_beside_it()
    {
        var sme = await OpenPage();
        await sme.SignIn(Unique("sme"), "sme");

        await sme.ByTestId("cargo-origin").SelectOptionAsync("CNTSN");
        await sme.ByTestId("cargo-destination").SelectOptionAsync("UZTAS");
        await sme.ByTestId("cargo-containers-count").FillAsync("0");
        await sme.ByTestId("cargo-submit").ClickAsync();
        var message = sme.ByTestId("error-containers.count");
        await sme.Page.WaitForFunctionAsync(
            "() => document.querySelector(\"[data-testid='error-containers.count']\")?.textContent.trim().length > 0");
        await Screenshot(sme, "sme-bad-field");

        Assert.Multiple(async () =>
        {
            Assert.That(await message.InnerTextAsync(), Is.Not.Empty);
            Assert.That(await sme.ByTestId("cargo-containers-count").GetAttributeAsync("aria-invalid"), Is.EqualTo("true"));
            Assert.That(await sme.ByTestId("error-origin").InnerTextAsync(), Is.Empty, "a good field stays quiet");
            Assert.That(await sme.Page.Locator("[data-testid=my-offers-table] tr[data-offer-id]").CountAsync(), Is.Zero, "nothing was posted");
        });
    }

    [Test]
    public async Task A_carrier_bids_and_the_sme_awards_it()
    {
        var sme = await OpenPage();
        await sme.SignIn(Unique("sme"), "sme");
        var offerId = await PostCargoOffer(sme, "CNTSN", "BYMSQ", 1);

        var carrier = await OpenPage();
        await carrier.SignIn(Unique("carrier"), "carrier");
        var row = carrier.Page.Locator($"[data-testid=open-cargo-table] tr[data-offer-id='{offerId}']");
        await row.WaitForAsync();
        await row.GetByTestId("offer-bid").ClickAsync();
        await carrier.ByTestId("bid-price-amount").FillAsync("7800");
        await carrier.ByTestId("bid-transitDays").FillAsync("16");
        await carrier.ByTestId("bid-submit").ClickAsync();
        await carrier.WaitFor("[data-testid=bid-status].form-status.ok");
        await Screenshot(carrier, "carrier-bid");

        await sme.WaitFor("[data-testid=bids-table] [data-testid=bid-award]", Eventually);
        await Screenshot(sme, "sme-bids");
        await sme.ByTestId("bid-award").First.ClickAsync();
        var status = sme.Page.Locator($"[data-testid=my-offers-table] tr[data-offer-id='{offerId}'] [data-testid=offer-status]");
        await sme.Page.WaitForFunctionAsync(
            $"() => document.querySelector(\"[data-testid=my-offers-table] tr[data-offer-id='{offerId}'] [data-testid=offer-status]\")?.textContent === 'awarded'",
            null, new PageWaitForFunctionOptions { Timeout = Eventually });
        await Screenshot(sme, "sme-awarded");

        Assert.That(await status.InnerTextAsync(), Is.EqualTo("awarded"));
    }
}
