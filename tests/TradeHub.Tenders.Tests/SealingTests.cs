using System.Net;
using System.Net.Http.Json;
using static TradeHub.Tenders.Tests.Season;

namespace TradeHub.Tenders.Tests;

/// <summary>Bids are sealed: nobody sees another carrier's bid, and a carrier sees only its own part of the award.</summary>
public sealed class SealingTests
{
    [Test]
    public async Task A_carrier_sees_its_own_bid_and_never_another_carriers_and_the_owner_sees_only_the_count()
    {
        using var owner = TendersApp.As(TendersApp.Org("exporter"), "sme");
        using var rail = TendersApp.As(TendersApp.Org("rail"), "carrier");
        using var road = TendersApp.As(TendersApp.Org("road"), "carrier");
        var id = (await Create(owner))["id"]!.GetValue<string>();
        await rail.PostAsJsonAsync($"/api/tenders/{id}/bids", new { packages = new[] { Package("tas", ("TAS", 2777m)) } }).Ok();
        await road.PostAsJsonAsync($"/api/tenders/{id}/bids", new { packages = new[] { Package("ala", ("ALA", 1999m)) } }).Ok();

        var asRoad = await road.GetAsync($"/api/tenders/{id}").Ok();
        var asOwner = await owner.GetAsync($"/api/tenders/{id}").Ok();

        Assert.That(asRoad["yourBid"]!["packages"]![0]!["ref"]!.GetValue<string>(), Is.EqualTo("ala"));
        Assert.That(asRoad["bidCount"], Is.Null);
        Assert.That(asRoad.ToJsonString(), Does.Not.Contain("2777"));
        Assert.That(asOwner["bidCount"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(asOwner["yourBid"], Is.Null);
        Assert.That(asOwner.ToJsonString(), Does.Not.Contain("2777").And.Not.Contain("1999"));
    }

    [Test]
    public async Task A_carrier_sees_only_its_own_lanes_of_the_award_and_no_totals()
    {
        using var owner = TendersApp.As(TendersApp.Org("exporter"), "sme");
        var railOrg = TendersApp.Org("rail");
        using var rail = TendersApp.As(railOrg, "carrier");
        using var road = TendersApp.As(TendersApp.Org("road"), "carrier");
        using var stranger = TendersApp.As(TendersApp.Org("other"), "carrier");
        var id = (await Create(owner))["id"]!.GetValue<string>();
        await rail.PostAsJsonAsync($"/api/tenders/{id}/bids", new { packages = new[] { Package("tas", ("TAS", 2000m)) } }).Ok();
        await road.PostAsJsonAsync($"/api/tenders/{id}/bids", new { packages = new[] { Package("ala", ("ALA", 1999m)), Package("tas", ("TAS", 2500m)) } }).Ok();
        await owner.PostAsync($"/api/tenders/{id}/close", null);
        await AwardOf(owner, id);

        var railView = await AwardOf(rail, id);
        var strangerView = await stranger.GetAsync($"/api/tenders/{id}/award");

        Assert.That(railView["assignments"]!.AsArray().Select(a => a!["laneRef"]!.GetValue<string>()), Is.EqualTo(new[] { "TAS" }));
        Assert.That(railView["assignments"]![0]!["carrier"]!.GetValue<string>(), Is.EqualTo(railOrg));
        Assert.That(railView["totalCost"], Is.Null);
        Assert.That(railView["savings"], Is.Null);
        Assert.That(railView.ToJsonString(), Does.Not.Contain("1999"));
        Assert.That(strangerView.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Only_an_sme_opens_a_tender_and_only_its_owner_sees_or_closes_it()
    {
        using var owner = TendersApp.As(TendersApp.Org("exporter"), "sme");
        using var other = TendersApp.As(TendersApp.Org("other"), "sme");
        using var rail = TendersApp.As(TendersApp.Org("rail"), "carrier");
        var id = (await Create(owner))["id"]!.GetValue<string>();

        var byCarrier = await rail.PostAsJsonAsync("/api/tenders", Tender());
        var seenByOther = await other.GetAsync($"/api/tenders/{id}");
        var closedByOther = await other.PostAsync($"/api/tenders/{id}/close", null);
        var closedByCarrier = await rail.PostAsync($"/api/tenders/{id}/close", null);
        var bidByOwner = await owner.PostAsJsonAsync($"/api/tenders/{id}/bids", new { packages = new[] { Package("tas", ("TAS", 1m)) } });
        var otherList = await other.GetAsync("/api/tenders").Ok();

        Assert.That(byCarrier.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(seenByOther.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(closedByOther.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(closedByCarrier.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(bidByOwner.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(otherList["items"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task Carriers_list_open_tenders_and_owners_their_own()
    {
        var ownerOrg = TendersApp.Org("exporter");
        using var owner = TendersApp.As(ownerOrg, "sme");
        using var rail = TendersApp.As(TendersApp.Org("rail"), "carrier");
        var id = (await Create(owner))["id"]!.GetValue<string>();

        var mine = await owner.GetAsync("/api/tenders").Ok();
        var open = await rail.GetAsync("/api/tenders?status=open&limit=500").Ok();

        Assert.That(mine["items"]!.AsArray().Select(t => t!["id"]!.GetValue<string>()), Is.EqualTo(new[] { id }));
        Assert.That(open["items"]!.AsArray().Select(t => t!["id"]!.GetValue<string>()), Does.Contain(id));
    }
}
