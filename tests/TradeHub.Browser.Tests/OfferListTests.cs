namespace TradeHub.Browser.Tests;

public sealed class OfferListTests : DashboardTest
{
    private static async Task<List<string>> PostOffers(string token, int count, string origin, string destination)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var offer = await Api.Send(HttpMethod.Post, "api/cargo-offers", token, new
            {
                origin, destination, readyDate = Gateway.Date(5), deliverBy = Gateway.Date(40),
                containers = new { count = 1 + i % 3, type = "40HC" }, weightKg = 12000, hsCode = "520812",
            });
            ids.Add(offer["id"]!.GetValue<string>());
        }
        return ids;
    }

    private static Task<string[]> Attribute(DashboardPage page, string table, string name) =>
        page.Page.Locator($"[data-testid={table}] tr[data-offer-id]").EvaluateAllAsync<string[]>(
            $"rows => rows.map((r) => r.getAttribute('{name}'))");

    [Test]
    public async Task An_sme_sees_only_its_own_offers_under_my_offers()
    {
        var org = Unique("own-sme");
        var own = await PostOffers(await Api.Token(org, "sme"), 3, "CNTSN", "KZALA");
        var others = await PostOffers(await Api.Token(Unique("other-sme"), "sme"), 2, "CNTSN", "KZALA");

        var sme = await OpenPage();
        await sme.SignIn(org, "sme");
        await sme.WaitFor("[data-testid=my-offers-table] tr[data-offer-id]");
        var listed = await Attribute(sme, "my-offers-table", "data-offer-id");
        var owners = await Attribute(sme, "my-offers-table", "data-owner");
        await Screenshot(sme, "sme-my-offers");

        Assert.Multiple(() =>
        {
            Assert.That(listed, Is.EquivalentTo(own));
            Assert.That(owners, Is.All.EqualTo(org));
            Assert.That(listed, Has.None.AnyOf(others.ToArray()));
        });
    }

    [Test]
    public async Task A_carrier_filters_open_cargo_and_pages_through_it()
    {
        var posted = await PostOffers(await Api.Token(Unique("paging-sme"), "sme"), 23, "KGOSS", "GETBS");

        var carrier = await OpenPage();
        await carrier.SignIn(Unique("carrier"), "carrier");
        await carrier.WaitFor("[data-testid=open-cargo-table] tr[data-offer-id]");
        await carrier.ByTestId("open-cargo-table-filter-origin").SelectOptionAsync("KGOSS");
        await carrier.ByTestId("open-cargo-table-filter-destination").SelectOptionAsync("GETBS");
        const string Rows = "[data-testid=open-cargo-table] tr[data-offer-id]";
        await carrier.WaitFor("[data-testid=open-cargo-table-list][data-loaded='?origin=KGOSS&destination=GETBS']");
        var firstPage = await Attribute(carrier, "open-cargo-table", "data-offer-id");
        var moreShown = await carrier.ByTestId("open-cargo-table-more").IsVisibleAsync();
        await Screenshot(carrier, "carrier-filtered-page-1");

        await carrier.ByTestId("open-cargo-table-more").ClickAsync();
        await carrier.Page.WaitForFunctionAsync($"() => document.querySelectorAll('{Rows}').length > 20");
        var both = await Attribute(carrier, "open-cargo-table", "data-offer-id");
        var lanes = await carrier.Page.Locator(Rows).Locator("td:first-child").AllInnerTextsAsync();
        await Screenshot(carrier, "carrier-filtered-page-2");

        Assert.Multiple(async () =>
        {
            Assert.That(firstPage, Has.Length.EqualTo(20), "one page of 20");
            Assert.That(moreShown, Is.True, "a 'more' button while there is a next page");
            Assert.That(both, Is.EquivalentTo(posted), "the second page brings the rest, each once");
            Assert.That(lanes, Is.All.StartsWith("Osh → Tbilisi"));
            Assert.That(await carrier.ByTestId("open-cargo-table-more").IsVisibleAsync(), Is.False, "no 'more' after the last page");
        });
    }
}
