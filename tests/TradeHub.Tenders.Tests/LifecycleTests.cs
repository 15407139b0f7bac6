using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using static TradeHub.Tenders.Tests.Season;

namespace TradeHub.Tenders.Tests;

public sealed class LifecycleTests
{
    [Test]
    public async Task A_closed_tender_is_awarded_to_the_cheapest_combination_and_the_owner_sees_the_savings()
    {
        using var owner = TendersApp.As(TendersApp.Org("exporter"), "sme");
        var railOrg = TendersApp.Org("rail");
        var roadOrg = TendersApp.Org("road");
        using var rail = TendersApp.As(railOrg, "carrier");
        using var road = TendersApp.As(roadOrg, "carrier");
        var id = (await Create(owner))["id"]!.GetValue<string>();

        // The rail operator's train goes out full to Tashkent and Almaty only as a pair.
        await rail.PostAsJsonAsync($"/api/tenders/{id}/bids", new
        {
            packages = new[]
            {
                Package("central-asia", ("TAS", 2100m), ("ALA", 2000m)),
                Package("tas", ("TAS", 2600m)), Package("mow", ("MOW", 3000m)),
            },
        }).Ok();
        await road.PostAsJsonAsync($"/api/tenders/{id}/bids", new
        {
            packages = new[]
            {
                Package("tas", ("TAS", 2500m)), Package("ala", ("ALA", 2400m)), Package("msq", ("MSQ", 3100m)),
                Package("mow", ("MOW", 3300m)), Package("tbs", ("TBS", 2900m)),
            },
        }).Ok();

        var closed = await owner.PostAsync($"/api/tenders/{id}/close", null);
        Assert.That(closed.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var award = await AwardOf(owner, id);

        Assert.That(award["status"]!.GetValue<string>(), Is.EqualTo("awarded"));
        Assert.That(award["optimal"]!.GetValue<bool>(), Is.True);
        var byLane = award["assignments"]!.AsArray().ToDictionary(a => a!["laneRef"]!.GetValue<string>(), a => a!["packageRef"]!.GetValue<string>());
        Assert.That(byLane, Has.Count.EqualTo(5));
        Assert.That(byLane["TAS"], Is.EqualTo("central-asia"));
        Assert.That(byLane["ALA"], Is.EqualTo("central-asia"));
        const decimal total = 4 * 2100m + 3 * 2000m + 2 * 3100m + 5 * 3000m + 1 * 2900m;
        const decimal laneByLane = 4 * 2500m + 3 * 2400m + 2 * 3100m + 5 * 3000m + 1 * 2900m;
        Assert.That(award["totalCost"]!.GetValue<decimal>(), Is.EqualTo(total));
        Assert.That(award["laneByLaneCost"]!.GetValue<decimal>(), Is.EqualTo(laneByLane));
        Assert.That(award["savings"]!.GetValue<decimal>(), Is.EqualTo(laneByLane - total));
        Assert.That(award["uncovered"]!.AsArray(), Is.Empty);
        Assert.That(award["explanation"]!.AsArray().Select(e => e!.GetValue<string>()), Has.Some.Contains("saves"));

        var tender = await owner.GetAsync($"/api/tenders/{id}").Ok();
        Assert.That(tender["status"]!.GetValue<string>(), Is.EqualTo("awarded"));
    }

    [Test]
    public async Task A_later_bid_by_the_same_carrier_replaces_its_earlier_one()
    {
        using var owner = TendersApp.As(TendersApp.Org("exporter"), "sme");
        using var rail = TendersApp.As(TendersApp.Org("rail"), "carrier");
        var id = (await Create(owner))["id"]!.GetValue<string>();

        var first = await rail.PostAsJsonAsync($"/api/tenders/{id}/bids", new { packages = new[] { Package("tas", ("TAS", 3000m)) } }).Ok();
        var second = await rail.PostAsJsonAsync($"/api/tenders/{id}/bids", new { packages = new[] { Package("tas", ("TAS", 2000m)) } }).Ok();

        Assert.That(first["replaced"]!.GetValue<bool>(), Is.False);
        Assert.That(second["replaced"]!.GetValue<bool>(), Is.True);
        var tender = await owner.GetAsync($"/api/tenders/{id}").Ok();
        Assert.That(tender["bidCount"]!.GetValue<int>(), Is.EqualTo(1));
        await owner.PostAsync($"/api/tenders/{id}/close", null);
        var award = await AwardOf(owner, id);
        Assert.That(award["assignments"]![0]!["pricePerContainer"]!.GetValue<decimal>(), Is.EqualTo(2000m));
        Assert.That(award["uncovered"]!.AsArray().Select(u => u!.GetValue<string>()), Is.EquivalentTo(new[] { "ALA", "MSQ", "MOW", "TBS" }));
    }

    [Test]
    public async Task A_bid_after_the_close_is_refused_with_409_and_so_is_a_second_close()
    {
        using var owner = TendersApp.As(TendersApp.Org("exporter"), "sme");
        using var rail = TendersApp.As(TendersApp.Org("rail"), "carrier");
        var id = (await Create(owner))["id"]!.GetValue<string>();
        await owner.PostAsync($"/api/tenders/{id}/close", null);

        var bid = await rail.PostAsJsonAsync($"/api/tenders/{id}/bids", new { packages = new[] { Package("tas", ("TAS", 3000m)) } });
        var again = await owner.PostAsync($"/api/tenders/{id}/close", null);

        Assert.That(bid.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await AwardOf(owner, id))["status"]!.GetValue<string>(), Is.EqualTo("unawarded"));
    }

    [Test]
    public async Task A_tender_closes_by_itself_at_closesAt_and_is_awarded()
    {
        using var owner = TendersApp.As(TendersApp.Org("exporter"), "sme");
        using var rail = TendersApp.As(TendersApp.Org("rail"), "carrier");
        var id = (await Create(owner, Tender(DateTimeOffset.UtcNow.AddSeconds(3))))["id"]!.GetValue<string>();
        await rail.PostAsJsonAsync($"/api/tenders/{id}/bids", new { packages = new[] { Package("all",
            ("TAS", 2000m), ("ALA", 2000m), ("MSQ", 2000m), ("MOW", 2000m), ("TBS", 2000m)) } }).Ok();

        var award = await AwardOf(owner, id);

        Assert.That(award["status"]!.GetValue<string>(), Is.EqualTo("awarded"));
        Assert.That(award["assignments"]!.AsArray(), Has.Count.EqualTo(5));
    }

    [Test]
    public async Task The_tenders_max_carriers_is_honoured()
    {
        using var owner = TendersApp.As(TendersApp.Org("exporter"), "sme");
        var carriers = Enumerable.Range(0, 3).Select(i => TendersApp.As(TendersApp.Org($"c{i}"), "carrier")).ToList();
        var id = (await Create(owner, Tender(maxCarriers: 1)))["id"]!.GetValue<string>();
        string[] lanes = ["TAS", "ALA", "MSQ", "MOW", "TBS"];
        for (var i = 0; i < 3; i++)
            await carriers[i].PostAsJsonAsync($"/api/tenders/{id}/bids", new
            {
                packages = lanes.Select((l, n) => Package(l, (l, n % 3 == i ? 1000m : 1500m))).ToArray(),
            }).Ok();

        await owner.PostAsync($"/api/tenders/{id}/close", null);
        var award = await AwardOf(owner, id);

        Assert.That(award["assignments"]!.AsArray().Select(a => a!["carrier"]!.GetValue<string>()).Distinct().Count(), Is.EqualTo(1));
        foreach (var c in carriers) c.Dispose();
    }
}
