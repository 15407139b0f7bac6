namespace TradeHub.Browser.Tests;

public sealed class DashboardViewTests : DashboardTest
{
    [TestCase("sme", "cargo-form")]
    [TestCase("carrier", "open-cargo-table")]
    [TestCase("trade_office", "flows-updated")]
    [TestCase("admin", "disruption-form")]
    public async Task Each_view_loads_with_its_map_its_integrations_panel_and_no_console_errors(string role, string landmark)
    {
        // The carrier's open-cargo table shows only when some cargo is open (else an empty-list note): post one, so
        // the test does not lean on offers other tests left behind (run alone or first, it found none).
        if (role == "carrier")
            await Api.Send(HttpMethod.Post, "api/cargo-offers", await Api.Token(Unique("view-sme"), "sme"), new
            {
                origin = "CNTSN", destination = "KZALA", readyDate = Gateway.Date(5), deliverBy = Gateway.Date(40),
                containers = new { count = 1, type = "40HC" }, weightKg = 12000, hsCode = "520812",
            });
        var page = await OpenPage();
        await page.SignIn(Unique(role.Replace('_', '-')), role);
        await page.WaitFor($"[data-testid={landmark}]");
        await page.WaitFor("[data-testid=integrations]");
        if (role == "trade_office") await page.WaitFor("[data-testid=flows-updated]:not(:empty)");

        var errors = await page.SettledConsoleErrors();
        await Screenshot(page, $"view-{role}");

        Assert.Multiple(async () =>
        {
            Assert.That(errors, Is.Empty);
            Assert.That(await page.Page.Locator("[data-testid=map] path.country").CountAsync(), Is.GreaterThan(100), "country outlines");
            Assert.That(await page.Page.Locator("[data-testid=map] g.node").CountAsync(), Is.GreaterThan(10), "network nodes");
            Assert.That(await page.Page.Locator("[data-testid=map] path.leg").CountAsync(), Is.GreaterThan(10), "network legs");
            Assert.That(await page.ByTestId("legend").InnerTextAsync(), Does.Contain("Border crossing"));
            Assert.That(await page.ByTestId("integrations").CountAsync(), Is.EqualTo(1), "one Integrations panel under the view");
        });
    }

    [Test]
    public async Task Language_switch_relabels_the_page_in_russian_and_chinese()
    {
        var page = await OpenPage(width: 390);
        await page.SignIn(Unique("sme"), "sme");

        await page.ByTestId("lang-select").SelectOptionAsync("ru");
        var russian = await page.ByTestId("cargo").Locator("h2").InnerTextAsync();
        await Screenshot(page, "view-sme-ru-phone");
        await page.ByTestId("lang-select").SelectOptionAsync("zh");
        var chinese = await page.ByTestId("cargo").Locator("h2").InnerTextAsync();

        Assert.Multiple(() =>
        {
            Assert.That(russian, Is.EqualTo("Разместить груз"));
            Assert.That(chinese, Is.EqualTo("发布货源"));
        });
    }
}
