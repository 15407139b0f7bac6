using System.Text.Json.Nodes;

namespace TradeHub.Pools.Tests;

/// <summary>Who sees whom, through the gateway, from the first join to the shipments on the train.</summary>
public sealed class PrivacyTests
{
    private static string[] MemberOrgs(JsonNode pool) =>
        (pool["members"]?.AsArray() ?? []).Select(m => m!["org"]!.GetValue<string>()).Distinct().ToArray();

    [Test]
    public async Task From_the_first_join_to_the_shipments_no_member_sees_another_and_a_stranger_sees_no_member()
    {
        var orgA = PoolsSystem.Org("machines");
        var orgB = PoolsSystem.Org("textiles");
        using var carrier = await PoolsSystem.SignIn(PoolsSystem.Org("rail"), "carrier");
        using var a = await PoolsSystem.SignIn(orgA);
        using var b = await PoolsSystem.SignIn(orgB);
        using var stranger = await PoolsSystem.SignIn(PoolsSystem.Org("stranger"));
        await using var aEvents = await LiveEvents.Listen(a);
        await using var bEvents = await LiveEvents.Listen(b);
        await using var strangerEvents = await LiveEvents.Listen(stranger);
        var id = await carrier.OpenPool(TimeSpan.FromSeconds(8), min: 2, max: 10);
        await a.JoinWithOffer(id, 1);
        await b.Send(await b.JoinLoose(id, 4_000m, 12m));

        var open = (A: await a.GetOk($"/api/pools/{id}"), B: await b.GetOk($"/api/pools/{id}"), Stranger: await stranger.GetOk($"/api/pools/{id}"));
        var running = await carrier.Eventually($"/api/pools/{id}", p => p["status"]!.GetValue<string>() == "running");
        await aEvents.Next("pool.formed", e => e["id"]!.GetValue<string>() == id);
        await bEvents.Next("pool.formed", e => e["id"]!.GetValue<string>() == id);
        var ran = (A: await a.GetOk($"/api/pools/{id}"), B: await b.GetOk($"/api/pools/{id}"), Stranger: await stranger.GetOk($"/api/pools/{id}"));
        var bShipments = await b.Eventually("/api/shipments?limit=100",
            s => s["items"]!.AsArray().Any(x => x!["poolId"]?.GetValue<string>() == id));
        var listed = await stranger.GetOk("/api/pools?from=CNTSN&to=UZTAS&limit=500");

        Assert.That(MemberOrgs(running), Is.EquivalentTo(new[] { orgA, orgB }), "the operator sees every member");
        foreach (var (view, own, other) in new[] { (open.A, orgA, orgB), (open.B, orgB, orgA), (ran.A, orgA, orgB), (ran.B, orgB, orgA) })
        {
            Assert.That(MemberOrgs(view), Is.EqualTo(new[] { own }));
            Assert.That(view.ToJsonString(), Does.Not.Contain(other));
            Assert.That(view["plan"], Is.Null, "the packing plan names members: the operator's alone");
            Assert.That(view["fill"]!["members"]!.GetValue<int>(), Is.EqualTo(2), "the totals are everyone's");
        }
        foreach (var view in new[] { open.Stranger, ran.Stranger })
        {
            Assert.That(view["members"], Is.Null);
            Assert.That(view.ToJsonString(), Does.Not.Contain(orgA).And.Not.Contain(orgB));
        }
        Assert.That(listed.ToJsonString(), Does.Not.Contain(orgA).And.Not.Contain(orgB));
        Assert.That(bShipments.ToJsonString(), Does.Not.Contain(orgA));
        Assert.That(aEvents.Texts(), Has.None.Contains(orgB));
        Assert.That(bEvents.Texts(), Has.None.Contains(orgA));
        Assert.That(bEvents.Types(), Does.Contain("pool.joined"), "the joining SME is told of its own join");
        Assert.That(strangerEvents.Texts(), Has.None.Contains(id), "a stranger is told nothing of the pool");
    }
}
