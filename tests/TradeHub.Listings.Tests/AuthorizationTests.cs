using System.Net;
using System.Text.Json.Nodes;

namespace TradeHub.Listings.Tests;

/// <summary>Each role and non-owner against each endpoint: the service itself refuses, whatever the gateway did.</summary>
public class AuthorizationTests
{
    [TestCase("carrier", "/api/cargo-offers")]
    [TestCase("trade_office", "/api/cargo-offers")]
    [TestCase("admin", "/api/cargo-offers")]
    [TestCase("sme", "/api/capacity-offers")]
    [TestCase("trade_office", "/api/capacity-offers")]
    [TestCase("carrier", "/api/trade-offers")]
    [TestCase("trade_office", "/api/trade-offers")]
    public async Task Role_that_may_not_post_is_forbidden(string role, string path)
    {
        using var client = ListingsApp.As("matrix-" + role, role);
        JsonObject body = path switch
        {
            "/api/cargo-offers" => Requests.CargoOffer(),
            "/api/capacity-offers" => Requests.CapacityOffer(),
            _ => Requests.TradeOffer(),
        };
        await (await client.PostJson(path, body)).AssertProblem(HttpStatusCode.Forbidden);
    }

    [TestCase("/api/cargo-offers")]
    [TestCase("/api/capacity-offers")]
    [TestCase("/api/trade-offers")]
    public async Task Calls_without_a_token_are_unauthorized(string path)
    {
        using var anonymous = ListingsApp.Anonymous();
        await (await anonymous.GetAsync(path)).AssertProblem(HttpStatusCode.Unauthorized);
        await (await anonymous.PostJson(path, Requests.CargoOffer())).AssertProblem(HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task A_tampered_token_is_unauthorized()
    {
        using var client = ListingsApp.As("matrix-sme", "sme");
        var token = client.DefaultRequestHeaders.Authorization!.Parameter!;
        client.DefaultRequestHeaders.Authorization = new("Bearer", token[..^4] + "AAAA");
        await (await client.GetAsync("/api/cargo-offers")).AssertProblem(HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Only_the_owner_withdraws_a_cargo_offer()
    {
        using var owner = ListingsApp.As("owner-sme", "sme");
        using var other = ListingsApp.As("other-sme", "sme");
        using var carrier = ListingsApp.As("some-carrier", "carrier");
        var offer = await (await owner.PostJson("/api/cargo-offers", Requests.CargoOffer())).Created();
        await (await other.DeleteAsync($"/api/cargo-offers/{offer["id"]}")).AssertProblem(HttpStatusCode.Forbidden);
        await (await carrier.DeleteAsync($"/api/cargo-offers/{offer["id"]}")).AssertProblem(HttpStatusCode.Forbidden);
        Assert.That((await owner.DeleteAsync($"/api/cargo-offers/{offer["id"]}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task Only_the_carrier_withdraws_its_capacity_and_only_the_owner_its_trade_offer()
    {
        using var carrier = ListingsApp.As("cap-carrier", "carrier");
        using var rival = ListingsApp.As("rival-carrier", "carrier");
        using var sme = ListingsApp.As("trade-sme", "sme");
        using var otherSme = ListingsApp.As("other-trade-sme", "sme");
        var capacity = await (await carrier.PostJson("/api/capacity-offers", Requests.CapacityOffer())).Created();
        var trade = await (await sme.PostJson("/api/trade-offers", Requests.TradeOffer())).Created();
        await (await rival.DeleteAsync($"/api/capacity-offers/{capacity["id"]}")).AssertProblem(HttpStatusCode.Forbidden);
        await (await otherSme.DeleteAsync($"/api/trade-offers/{trade["id"]}")).AssertProblem(HttpStatusCode.Forbidden);
        Assert.That((await carrier.DeleteAsync($"/api/capacity-offers/{capacity["id"]}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await sme.DeleteAsync($"/api/trade-offers/{trade["id"]}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task Target_price_is_shown_to_the_owner_only()
    {
        using var owner = ListingsApp.As("price-owner", "sme");
        using var carrier = ListingsApp.As("price-carrier", "carrier");
        var offer = await (await owner.PostJson("/api/cargo-offers", Requests.CargoOffer())).Created();
        var asOwner = JsonNode.Parse(await owner.GetStringAsync($"/api/cargo-offers/{offer["id"]}"))!;
        var asCarrier = JsonNode.Parse(await carrier.GetStringAsync($"/api/cargo-offers/{offer["id"]}"))!;
        Assert.That(asOwner["targetPrice"]?["amount"]?.GetValue<decimal>(), Is.EqualTo(9000m));
        Assert.That(asCarrier["targetPrice"], Is.Null);
    }

    [Test]
    public async Task Bids_are_sealed()
    {
        using var owner = ListingsApp.As("sealed-owner", "sme");
        using var bidderA = ListingsApp.As("sealed-carrier-a", "carrier");
        using var bidderB = ListingsApp.As("sealed-carrier-b", "carrier");
        using var stranger = ListingsApp.As("sealed-stranger", "sme");
        using var office = ListingsApp.As("sealed-office", "trade_office");
        var offer = await (await owner.PostJson("/api/cargo-offers", Requests.CargoOffer())).Created();
        var bids = $"/api/cargo-offers/{offer["id"]}/bids";
        await (await bidderA.PostJson(bids, Requests.Bid())).Created();
        await (await bidderB.PostJson(bids, Requests.Bid())).Created();

        var ownerSees = JsonNode.Parse(await owner.GetStringAsync(bids))!["items"]!.AsArray();
        var aSees = JsonNode.Parse(await bidderA.GetStringAsync(bids))!["items"]!.AsArray();
        Assert.That(ownerSees, Has.Count.EqualTo(2));
        Assert.That(aSees.Select(b => b!["carrier"]!.GetValue<string>()), Is.EqualTo(new[] { "sealed-carrier-a" }));
        await (await stranger.GetAsync(bids)).AssertProblem(HttpStatusCode.Forbidden);
        await (await office.GetAsync(bids)).AssertProblem(HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task An_sme_cannot_bid_and_a_carrier_cannot_award()
    {
        using var owner = ListingsApp.As("award-owner", "sme");
        using var carrier = ListingsApp.As("award-carrier", "carrier");
        var offer = await (await owner.PostJson("/api/cargo-offers", Requests.CargoOffer())).Created();
        await (await owner.PostJson($"/api/cargo-offers/{offer["id"]}/bids", Requests.Bid())).AssertProblem(HttpStatusCode.Forbidden);
        var bid = await (await carrier.PostJson($"/api/cargo-offers/{offer["id"]}/bids", Requests.Bid())).Created();
        var award = await carrier.PostAsync($"/api/cargo-offers/{offer["id"]}/bids/{bid["id"]}/award", null);
        await award.AssertProblem(HttpStatusCode.Forbidden);
    }
}
