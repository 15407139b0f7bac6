using System.Text.Json.Nodes;
using TradeHub.Testing;

namespace TradeHub.Pools.Tests;

/// <summary>What a pool's outcome does in the other services, through its events.</summary>
public sealed class ConsequencesTests
{
    private static bool Proposed(JsonNode match) =>
        match["kind"]!.GetValue<string>() == "cargo-capacity" && match["status"]!.GetValue<string>() == "proposed";

    /// <summary>Capacity on every lane of the offer's first route, departing around the pools' departure.</summary>
    private static async Task PostCapacityAlong(ApiClient sme, ApiClient carrier, string offer)
    {
        var routes = await sme.Eventually($"/api/cargo-offers/{offer}/routes",
            r => r["status"]!.GetValue<string>() == "ready" && r["routes"]!.AsArray().Count > 0);
        foreach (var (from, to, mode) in RouteLanes.Split(routes["routes"]![0]!["legs"]!.AsArray()))
            await carrier.PostOk("/api/capacity-offers", new
            {
                from, to, mode, departureFrom = PoolApi.Departure.AddDays(-5), departureTo = PoolApi.Departure.AddDays(5),
                containers = new { count = 10, type = "40HC" }, pricePerContainer = new { amount = 1500, currency = "USD" },
                transitDays = 6,
            });
    }

    [Test]
    public async Task A_pooled_cargo_offer_leaves_matching_and_is_matched_again_when_its_pool_is_cancelled()
    {
        using var operatorClient = await PoolsSystem.SignIn(PoolsSystem.Org("rail"), "carrier");
        using var haulier = await PoolsSystem.SignIn(PoolsSystem.Org("haulier"), "carrier");
        using var sme = await PoolsSystem.SignIn(PoolsSystem.Org("sme"));
        var offer = await sme.PostOffer(2, to: "UZTAS");
        await PostCapacityAlong(sme, haulier, offer);
        var before = await sme.Eventually($"/api/matches?offerId={offer}", m => m["items"]!.AsArray().Any(x => Proposed(x!)));
        var first = before["items"]!.AsArray().First(x => Proposed(x!))!["id"]!.GetValue<string>();

        var pool = await operatorClient.OpenPool(TimeSpan.FromSeconds(8), min: 20, max: 40);
        await sme.JoinWith(pool, offer);
        var declined = await sme.Eventually($"/api/matches/{first}", m => m["status"]!.GetValue<string>() == "declined");
        var cancelled = await operatorClient.Eventually($"/api/pools/{pool}", p => p["status"]!.GetValue<string>() != "open");
        var after = await sme.Eventually($"/api/matches?offerId={offer}",
            m => m["items"]!.AsArray().Any(x => Proposed(x!) && x!["id"]!.GetValue<string>() != first));

        Assert.That(declined["status"]!.GetValue<string>(), Is.EqualTo("declined"), "pooled: out of ordinary matching");
        Assert.That(cancelled["status"]!.GetValue<string>(), Is.EqualTo("cancelled"));
        Assert.That(after["items"]!.AsArray().Count(x => Proposed(x!)), Is.GreaterThanOrEqualTo(1), "back in ordinary matching");
    }

    [Test]
    public async Task When_a_pool_runs_every_member_gets_a_shipment_on_the_operators_train()
    {
        var operatorOrg = PoolsSystem.Org("rail");
        using var operatorClient = await PoolsSystem.SignIn(operatorOrg, "carrier");
        using var withOffer = await PoolsSystem.SignIn(PoolsSystem.Org("machines"));
        using var loose = await PoolsSystem.SignIn(PoolsSystem.Org("textiles"));
        var pool = await operatorClient.OpenPool(TimeSpan.FromSeconds(8), min: 2, max: 10);
        var offerMember = await withOffer.JoinWithOffer(pool, 2);
        await loose.Send(await loose.JoinLoose(pool, 4_000m, 12m));

        await operatorClient.Eventually($"/api/pools/{pool}", p => p["status"]!.GetValue<string>() == "running");
        var theirs = await withOffer.Eventually("/api/shipments?limit=100",
            s => s["items"]!.AsArray().Any(x => x!["poolId"]?.GetValue<string>() == pool));
        var looseShipments = await loose.Eventually("/api/shipments?limit=100",
            s => s["items"]!.AsArray().Any(x => x!["poolId"]?.GetValue<string>() == pool));
        var operatorShipments = await operatorClient.Eventually("/api/shipments?limit=100",
            s => s["items"]!.AsArray().Count(x => x!["poolId"]?.GetValue<string>() == pool) == 2);

        var shipment = theirs["items"]!.AsArray().Single(x => x!["poolId"]?.GetValue<string>() == pool)!;
        Assert.That(shipment["carriers"]!.AsArray().Select(c => c!.GetValue<string>()), Is.EqualTo(new[] { operatorOrg }));
        Assert.That(shipment["cargoOfferId"]!.GetValue<string>(), Is.EqualTo(offerMember["member"]!["cargoOfferId"]!.GetValue<string>()));
        Assert.That(shipment["legs"]!.AsArray().Select(l => l!["from"]!.GetValue<string>() + ">" + l["to"]!.GetValue<string>()),
            Is.EqualTo(new[] { "CNTSN>UZTAS" }));
        Assert.That(looseShipments["items"]!.AsArray().Count(x => x!["poolId"]?.GetValue<string>() == pool), Is.EqualTo(1));
        Assert.That(operatorShipments["items"]!.AsArray().Count(x => x!["poolId"]?.GetValue<string>() == pool), Is.EqualTo(2));
    }
}
