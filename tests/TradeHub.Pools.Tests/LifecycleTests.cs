using System.Text.Json.Nodes;

namespace TradeHub.Pools.Tests;

public sealed class LifecycleTests
{
    private static readonly TimeSpan Later = TimeSpan.FromHours(2);

    [Test]
    public async Task A_carrier_opens_a_pool_that_anyone_lists_with_its_fill_and_price()
    {
        using var carrier = await PoolsSystem.SignIn(PoolsSystem.Org("rail"), "carrier");
        var id = await carrier.OpenPool(Later, min: 5, max: 55);
        using var stranger = await PoolsSystem.SignIn(PoolsSystem.Org("stranger"));

        var list = await stranger.GetOk("/api/pools?from=CNTSN&to=UZTAS&status=open&limit=500");
        var pool = list["items"]!.AsArray().Single(p => p!["id"]!.GetValue<string>() == id)!;

        Assert.That(pool["status"]!.GetValue<string>(), Is.EqualTo("open"));
        Assert.That(pool["fill"]!["containers"]!.GetValue<int>(), Is.Zero);
        Assert.That(pool["pricePerContainer"]!["amount"]!.GetValue<decimal>(), Is.EqualTo(3000m));
        Assert.That(pool["members"], Is.Null);
    }

    [Test]
    public async Task Only_a_carrier_opens_a_pool_and_bad_input_is_a_400_naming_the_field()
    {
        using var sme = await PoolsSystem.SignIn(PoolsSystem.Org("sme"));
        using var carrier = await PoolsSystem.SignIn(PoolsSystem.Org("rail"), "carrier");

        var bySme = await sme.Post("/api/pools", new { from = "CNTSN" });
        var bad = await carrier.Send(await carrier.Post("/api/pools", new
        {
            from = "CNTSN", to = "XXXXX", departureDate = PoolApi.Departure, cutoff = DateTimeOffset.UtcNow.AddHours(1),
            minContainers = 5, maxContainers = 3, containerType = "53FT",
            pricePerContainerAtMin = new { amount = 2000m, currency = "USD" },
            pricePerContainerAtMax = new { amount = 2500m, currency = "USD" },
        }));

        Assert.That((int)bySme.StatusCode, Is.EqualTo(403));
        Assert.That(bad.Status, Is.EqualTo(400));
        var errors = bad.Body!["errors"]!.AsObject().Select(e => e.Key).ToArray();
        Assert.That(errors, Is.SupersetOf(new[] { "to", "maxContainers", "containerType", "pricePerContainerAtMax" }));
    }

    [Test]
    public async Task Loose_cargo_is_packed_into_shared_containers_and_the_price_falls_as_the_train_fills()
    {
        using var carrier = await PoolsSystem.SignIn(PoolsSystem.Org("rail"), "carrier");
        using var a = await PoolsSystem.SignIn(PoolsSystem.Org("textiles"));
        using var b = await PoolsSystem.SignIn(PoolsSystem.Org("toys"));
        var id = await carrier.OpenPool(Later, min: 1, max: 5);

        var first = await a.Send(await a.JoinLoose(id, 12_000m, 20m));
        var second = await b.Send(await b.JoinLoose(id, 12_000m, 20m));
        var pool = await carrier.GetOk($"/api/pools/{id}");

        Assert.That(first.Status, Is.EqualTo(201), first.Body?.ToJsonString());
        Assert.That(second.Status, Is.EqualTo(201), second.Body?.ToJsonString());
        Assert.That(pool["fill"]!["sharedContainers"]!.GetValue<int>(), Is.EqualTo(2), "24 t does not fit one 21 t box");
        Assert.That(pool["plan"]!["containers"]!.AsArray(), Has.Count.EqualTo(2));
        Assert.That(pool["pricePerContainer"]!["amount"]!.GetValue<decimal>(), Is.EqualTo(2750m), "2 of 1..5 boxes: a quarter of the way down");
        Assert.That(pool["members"]!.AsArray(), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task A_member_sees_its_own_share_and_the_totals_never_another_member()
    {
        var orgA = PoolsSystem.Org("textiles");
        var orgB = PoolsSystem.Org("ceramics");
        using var carrier = await PoolsSystem.SignIn(PoolsSystem.Org("rail"), "carrier");
        using var a = await PoolsSystem.SignIn(orgA);
        using var b = await PoolsSystem.SignIn(orgB);
        using var outsider = await PoolsSystem.SignIn(PoolsSystem.Org("outsider"));
        var id = await carrier.OpenPool(Later, min: 1, max: 5);
        await a.Send(await a.JoinLoose(id, 6_000m, 30m));
        await b.Send(await b.JoinLoose(id, 3_000m, 10m));

        var asA = await a.GetOk($"/api/pools/{id}");
        var asB = await b.GetOk($"/api/pools/{id}");
        var asOutsider = await outsider.GetOk($"/api/pools/{id}");
        var asOperator = await carrier.GetOk($"/api/pools/{id}");

        Assert.That(asA["members"]!.AsArray().Select(m => m!["org"]!.GetValue<string>()), Is.EqualTo(new[] { orgA }));
        Assert.That(asB["members"]!.AsArray().Select(m => m!["org"]!.GetValue<string>()), Is.EqualTo(new[] { orgB }));
        Assert.That(asA.ToJsonString(), Does.Not.Contain(orgB));
        Assert.That(asA["plan"], Is.Null);
        Assert.That(asA["fill"]!["members"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(asOutsider["members"], Is.Null);
        Assert.That(asOperator["members"]!.AsArray(), Has.Count.EqualTo(2));
        Assert.That(asOperator["plan"]!["containers"]!.AsArray(), Has.Count.EqualTo(1));
        // One shared box, split by volume (40 m3 of 76.3 is fuller than 9 t of 21): 30 of 40 m3 and 10 of 40 m3.
        Assert.That(asA["members"]![0]!["sharedContainers"]!.GetValue<decimal>(), Is.EqualTo(0.75m));
        Assert.That(asB["members"]![0]!["sharedContainers"]!.GetValue<decimal>(), Is.EqualTo(0.25m));
        Assert.That(asA["members"]![0]!["price"]!["amount"]!.GetValue<decimal>(), Is.EqualTo(2250m));
    }

    [Test]
    public async Task Cargo_that_cannot_fit_is_a_409_saying_why()
    {
        using var carrier = await PoolsSystem.SignIn(PoolsSystem.Org("rail"), "carrier");
        using var sme = await PoolsSystem.SignIn(PoolsSystem.Org("sme"));
        var id = await carrier.OpenPool(Later, min: 1, max: 2);

        var heavy = await sme.Send(await sme.JoinLoose(id, 22_000m, 10m));
        var bulky = await sme.Send(await sme.JoinLoose(id, 1_000m, 80m));
        var hazardous = await sme.Send(await sme.JoinLoose(id, 1_000m, 1m, hazardous: true));
        var wrongType = await sme.Send(await sme.Post($"/api/pools/{id}/members", new { cargoOfferId = await sme.PostOffer(1, type: "20GP") }));
        await sme.JoinWithOffer(id, 2);
        var full = await sme.Send(await sme.JoinLoose(id, 1_000m, 1m));
        var noBody = await sme.Send(await sme.Post($"/api/pools/{id}/members", new { hsCode = "620342" }));

        Assert.That(heavy.Status, Is.EqualTo(409));
        Assert.That(heavy.Body!["errors"]!["weightKg"], Is.Not.Null);
        Assert.That(bulky.Body!["errors"]!["volumeM3"], Is.Not.Null);
        Assert.That(hazardous.Body!["errors"]!["hazardous"], Is.Not.Null);
        Assert.That(wrongType.Status, Is.EqualTo(404).Or.EqualTo(409), "404 until Pools has the offer, then 409");
        Assert.That(full.Status, Is.EqualTo(409));
        Assert.That(full.Body!["errors"]!["containers"], Is.Not.Null);
        Assert.That(noBody.Status, Is.EqualTo(400));
        Assert.That(noBody.Body!["errors"]!.AsObject().Select(e => e.Key), Is.SupersetOf(new[] { "weightKg", "volumeM3" }));
    }

    [Test]
    public async Task A_member_leaves_before_the_cut_off_and_only_its_own_sme_may_remove_it()
    {
        using var carrier = await PoolsSystem.SignIn(PoolsSystem.Org("rail"), "carrier");
        using var sme = await PoolsSystem.SignIn(PoolsSystem.Org("sme"));
        using var other = await PoolsSystem.SignIn(PoolsSystem.Org("other"));
        var id = await carrier.OpenPool(Later, min: 1, max: 5);
        var joined = await sme.JoinWithOffer(id, 2);
        var member = joined["id"]!.GetValue<string>();

        var byOther = await other.Http.DeleteAsync($"/api/pools/{id}/members/{member}");
        var byOwner = await sme.Http.DeleteAsync($"/api/pools/{id}/members/{member}");
        var pool = await carrier.GetOk($"/api/pools/{id}");

        Assert.That((int)byOther.StatusCode, Is.EqualTo(404));
        Assert.That((int)byOwner.StatusCode, Is.EqualTo(204));
        Assert.That(pool["fill"]!["containers"]!.GetValue<int>(), Is.Zero);
    }

    [Test]
    public async Task At_the_cut_off_a_pool_at_its_minimum_runs_and_joining_later_is_a_409()
    {
        var operatorOrg = PoolsSystem.Org("rail");
        using var carrier = await PoolsSystem.SignIn(operatorOrg, "carrier");
        using var sme = await PoolsSystem.SignIn(PoolsSystem.Org("sme"));
        await using var operatorEvents = await LiveEvents.Listen(carrier);
        await using var smeEvents = await LiveEvents.Listen(sme);
        var id = await carrier.OpenPool(TimeSpan.FromSeconds(6), min: 2, max: 5);
        var joined = await sme.JoinWithOffer(id, 1);
        await sme.Send(await sme.JoinLoose(id, 5_000m, 10m));

        var pool = await carrier.Eventually($"/api/pools/{id}", p => p["status"]!.GetValue<string>() != "open");
        var late = await sme.Send(await sme.JoinLoose(id, 1_000m, 1m));
        var leave = await sme.Http.DeleteAsync($"/api/pools/{id}/members/{joined["id"]!.GetValue<string>()}");
        var formed = await operatorEvents.Next("pool.formed", e => e["id"]!.GetValue<string>() == id);
        var told = await smeEvents.Next("pool.formed", e => e["id"]!.GetValue<string>() == id);

        Assert.That(pool["status"]!.GetValue<string>(), Is.EqualTo("running"));
        Assert.That(pool["fill"]!["containers"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(late.Status, Is.EqualTo(409));
        Assert.That(late.Body!["errors"]!["cutoff"], Is.Not.Null);
        Assert.That((int)leave.StatusCode, Is.EqualTo(409));
        Assert.That(formed["members"]!.AsArray(), Has.Count.EqualTo(2));
        Assert.That(told["members"]!.AsArray(), Has.Count.EqualTo(2), "both memberships are the SME's own");
    }

    [Test]
    public async Task Below_its_minimum_at_the_cut_off_a_pool_is_cancelled_and_its_members_are_told_live()
    {
        using var carrier = await PoolsSystem.SignIn(PoolsSystem.Org("rail"), "carrier");
        using var sme = await PoolsSystem.SignIn(PoolsSystem.Org("sme"));
        using var other = await PoolsSystem.SignIn(PoolsSystem.Org("other"));
        await using var smeEvents = await LiveEvents.Listen(sme);
        await using var otherEvents = await LiveEvents.Listen(other);
        var id = await carrier.OpenPool(TimeSpan.FromSeconds(6), min: 10, max: 20, to: "BYMSQ");
        await sme.JoinWithOffer(id, 2, to: "BYMSQ");
        await other.Send(await other.JoinLoose(id, 2_000m, 5m));

        var pool = await carrier.Eventually($"/api/pools/{id}", p => p["status"]!.GetValue<string>() != "open");
        var cancelled = await smeEvents.Next("pool.cancelled", e => e["id"]!.GetValue<string>() == id);
        await otherEvents.Next("pool.cancelled", e => e["id"]!.GetValue<string>() == id);

        Assert.That(pool["status"]!.GetValue<string>(), Is.EqualTo("cancelled"));
        Assert.That(cancelled["minContainers"]!.GetValue<int>(), Is.EqualTo(10));
        Assert.That(cancelled.ToJsonString(), Does.Not.Contain(other.Organisation));
    }

    [Test]
    public async Task A_new_cargo_offer_that_fits_an_open_pool_is_suggested_to_its_owner_with_the_prices()
    {
        using var carrier = await PoolsSystem.SignIn(PoolsSystem.Org("rail"), "carrier");
        using var sme = await PoolsSystem.SignIn(PoolsSystem.Org("sme"));
        await using var events = await LiveEvents.Listen(sme);
        var id = await carrier.OpenPool(Later, min: 1, max: 5, to: "KZALA");

        var offer = await sme.PostOffer(3, to: "KZALA");
        var suggestion = await events.Next("pool.suggested", e => e["id"]!.GetValue<string>() == id);

        Assert.That(suggestion["cargoOfferId"]!.GetValue<string>(), Is.EqualTo(offer));
        Assert.That(suggestion["priceNow"]!["amount"]!.GetValue<decimal>(), Is.EqualTo(2500m), "3 of 1..5 boxes: halfway down");
        Assert.That(suggestion["priceAtFullFill"]!["amount"]!.GetValue<decimal>(), Is.EqualTo(2000m));
    }

    [Test]
    public async Task Offers_posted_together_are_each_suggested_once_with_their_own_price_and_one_that_does_not_fit_is_not()
    {
        using var carrier = await PoolsSystem.SignIn(PoolsSystem.Org("rail"), "carrier");
        using var sme = await PoolsSystem.SignIn(PoolsSystem.Org("sme"));
        await using var events = await LiveEvents.Listen(sme);
        var id = await carrier.OpenPool(Later, min: 1, max: 5, to: "KZALA");

        // Posted at once, so Pools takes several in one batch; the 20-foot boxes do not fit a 40HC pool.
        var posts = Enumerable.Range(1, 4).Select(n => sme.PostOffer(n, to: "KZALA")).Append(sme.PostOffer(2, to: "KZALA", type: "20GP"));
        var offers = await Task.WhenAll(posts);
        var prices = new Dictionary<string, decimal>();
        foreach (var offer in offers[..4])
        {
            var suggestion = await events.Next("pool.suggested",
                e => e["id"]!.GetValue<string>() == id && e["cargoOfferId"]!.GetValue<string>() == offer);
            prices[offer] = suggestion["priceNow"]!["amount"]!.GetValue<decimal>();
        }

        Assert.That(offers[..4].Select(o => prices[o]), Is.EqualTo(new[] { 3000m, 2750m, 2500m, 2250m }),
            "each offer priced at its own containers: 1 to 4 of 1..5 boxes");
        // Time for a second suggestion of an offer, or one for the 20GP offer, to arrive were there any.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.That(events.All("pool.suggested").Where(e => e["id"]!.GetValue<string>() == id)
            .Select(e => e["cargoOfferId"]!.GetValue<string>()), Is.EquivalentTo(offers[..4]));
    }
}
