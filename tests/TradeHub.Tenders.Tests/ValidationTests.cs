using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using static TradeHub.Tenders.Tests.Season;

namespace TradeHub.Tenders.Tests;

public sealed class ValidationTests
{
    static async Task<JsonObject> Errors(HttpResponseMessage answer)
    {
        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await answer.Content.ReadAsStringAsync());
        return (await answer.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
    }

    static async Task<(HttpClient Carrier, string Id)> OpenTender()
    {
        using var owner = TendersApp.As(TendersApp.Org("exporter"), "sme");
        var id = (await Create(owner))["id"]!.GetValue<string>();
        return (TendersApp.As(TendersApp.Org("rail"), "carrier"), id);
    }

    [Test]
    public async Task A_package_naming_a_lane_the_tender_does_not_have_is_a_400_naming_that_lane()
    {
        var (carrier, id) = await OpenTender();
        var errors = await Errors(await carrier.PostAsJsonAsync($"/api/tenders/{id}/bids",
            new { packages = new[] { Package("p", ("TAS", 100m), ("LED", 100m)) } }));
        Assert.That(errors.Select(e => e.Key), Is.EqualTo(new[] { "packages[0].lanes[1].ref" }));
        carrier.Dispose();
    }

    [Test]
    public async Task A_price_of_zero_is_a_400_naming_the_price()
    {
        var (carrier, id) = await OpenTender();
        var errors = await Errors(await carrier.PostAsJsonAsync($"/api/tenders/{id}/bids",
            new { packages = new[] { Package("p", ("TAS", 0m)) } }));
        Assert.That(errors.Select(e => e.Key), Is.EqualTo(new[] { "packages[0].lanes[0].pricePerContainer" }));
        carrier.Dispose();
    }

    [Test]
    public async Task Overlapping_exclusive_groups_are_a_400_naming_the_second_group()
    {
        var (carrier, id) = await OpenTender();
        var errors = await Errors(await carrier.PostAsJsonAsync($"/api/tenders/{id}/bids", new
        {
            packages = new[] { Package("a", ("TAS", 1m)), Package("b", ("ALA", 1m)), Package("c", ("MSQ", 1m)) },
            exclusive = new[] { new[] { "a", "b" }, new[] { "b", "c" } },
        }));
        Assert.That(errors.Select(e => e.Key), Is.EqualTo(new[] { "exclusive[1]" }));
        carrier.Dispose();
    }

    [Test]
    public async Task More_than_500_packages_is_a_400_naming_packages()
    {
        var (carrier, id) = await OpenTender();
        var errors = await Errors(await carrier.PostAsJsonAsync($"/api/tenders/{id}/bids", new
        {
            packages = Enumerable.Range(0, 501).Select(i => Package($"p{i}", ("TAS", 100m + i))).ToArray(),
        }));
        Assert.That(errors.Select(e => e.Key), Does.Contain("packages"));
        carrier.Dispose();
    }

    [Test]
    public async Task A_tender_lane_off_the_network_is_a_400_naming_the_lane_field()
    {
        using var owner = TendersApp.As(TendersApp.Org("exporter"), "sme");
        var errors = await Errors(await owner.PostAsJsonAsync("/api/tenders", new
        {
            title = "t", closesAt = DateTimeOffset.UtcNow.AddDays(1),
            lanes = new[] { new { @ref = "x", origin = "CNTSN", destination = "ZZZZZ", containers = new { count = 1, type = "40HC" },
                from = "2030-01-01", to = "2030-01-10" } },
        }));
        Assert.That(errors.Select(e => e.Key), Is.EqualTo(new[] { "lanes[0].destination" }));
    }
}
