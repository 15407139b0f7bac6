using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TradeHub.Listings.Expiry;

namespace TradeHub.Listings.Tests;

/// <summary>Idempotency, pagination and expiry on the real PostgreSQL.</summary>
public class StorageTests
{
    private static async Task<long> Count(string sql, object? args = null)
    {
        await using var connection = await ListingsApp.Db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(sql, args);
    }

    [Test]
    public async Task A_repeated_create_with_the_same_key_returns_the_first_answer_and_creates_nothing()
    {
        using var sme = ListingsApp.As("idem-sme", "sme");
        var key = Guid.NewGuid().ToString();
        var body = Requests.CargoOffer();
        sme.DefaultRequestHeaders.Add("Idempotency-Key", key);
        var first = await (await sme.PostJson("/api/cargo-offers", body)).Created();
        var again = await sme.PostJson("/api/cargo-offers", body);
        var second = await again.Created();
        Assert.That(second["id"]!.ToString(), Is.EqualTo(first["id"]!.ToString()));
        Assert.That(again.Headers.Location?.ToString(), Is.EqualTo($"/api/cargo-offers/{first["id"]}"));
        Assert.That(await Count("SELECT count(*) FROM cargo_offers WHERE owner_org = 'idem-sme'"), Is.EqualTo(1));
    }

    [Test]
    public async Task The_same_key_with_another_body_is_a_conflict()
    {
        using var sme = ListingsApp.As("idem-sme-2", "sme");
        sme.DefaultRequestHeaders.Add("Idempotency-Key", Guid.NewGuid().ToString());
        await (await sme.PostJson("/api/cargo-offers", Requests.CargoOffer())).Created();
        var other = Requests.CargoOffer().With("weightKg", 1000);
        await (await sme.PostJson("/api/cargo-offers", other)).AssertProblem(HttpStatusCode.Conflict);
        Assert.That(await Count("SELECT count(*) FROM cargo_offers WHERE owner_org = 'idem-sme-2'"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_bid_key_reused_on_another_price_or_offer_is_a_conflict_and_creates_nothing()
    {
        using var owner = ListingsApp.As("idem-bid-owner", "sme");
        using var carrier = ListingsApp.As("idem-bid-carrier", "carrier");
        var first = (await (await owner.PostJson("/api/cargo-offers", Requests.CargoOffer())).Created())["id"]!.ToString();
        var second = (await (await owner.PostJson("/api/cargo-offers", Requests.CargoOffer())).Created())["id"]!.ToString();
        carrier.DefaultRequestHeaders.Add("Idempotency-Key", Guid.NewGuid().ToString());

        await (await carrier.PostJson($"/api/cargo-offers/{first}/bids", Requests.Bid())).Created();
        var again = await (await carrier.PostJson($"/api/cargo-offers/{first}/bids", Requests.Bid())).Created();
        Assert.That(await Count("SELECT count(*) FROM bids WHERE carrier_org = 'idem-bid-carrier'"), Is.EqualTo(1));

        var cheaper = Requests.Bid().With("price", new JsonObject { ["amount"] = 1.5m, ["currency"] = "USD" });
        await (await carrier.PostJson($"/api/cargo-offers/{first}/bids", cheaper)).AssertProblem(HttpStatusCode.Conflict);
        await (await carrier.PostJson($"/api/cargo-offers/{second}/bids", Requests.Bid())).AssertProblem(HttpStatusCode.Conflict);
        Assert.That(await Count("SELECT count(*) FROM bids WHERE carrier_org = 'idem-bid-carrier'"), Is.EqualTo(1));
        Assert.That(again["cargoOfferId"]!.ToString(), Is.EqualTo(first));
    }

    [Test]
    public async Task A_key_reused_on_another_kind_of_create_is_a_conflict()
    {
        using var carrier = ListingsApp.As("idem-kind-carrier", "carrier");
        carrier.DefaultRequestHeaders.Add("Idempotency-Key", Guid.NewGuid().ToString());
        await (await carrier.PostJson("/api/capacity-offers", Requests.CapacityOffer())).Created();
        using var trader = ListingsApp.As("idem-kind-carrier", "sme");
        trader.DefaultRequestHeaders.Add("Idempotency-Key", carrier.DefaultRequestHeaders.GetValues("Idempotency-Key").Single());
        await (await trader.PostJson("/api/cargo-offers", Requests.CargoOffer())).AssertProblem(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Concurrent_repeats_with_one_key_create_one_offer()
    {
        using var sme = ListingsApp.As("idem-sme-3", "sme");
        sme.DefaultRequestHeaders.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var body = Requests.CargoOffer();
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => sme.PostJson("/api/cargo-offers", body)));
        Assert.That(answers.Select(a => a.StatusCode), Is.All.EqualTo(HttpStatusCode.Created));
        Assert.That(await Count("SELECT count(*) FROM cargo_offers WHERE owner_org = 'idem-sme-3'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Refused_requests_store_nothing()
    {
        using var sme = ListingsApp.As("refused-sme", "sme");
        await sme.PostJson("/api/cargo-offers", Requests.CargoOffer().With("origin", "NOPE1"));
        Assert.That(await Count("SELECT count(*) FROM cargo_offers WHERE owner_org = 'refused-sme'"), Is.Zero);
    }

    [Test]
    public async Task Pages_walk_every_offer_once_newest_first()
    {
        using var sme = ListingsApp.As("paging-sme", "sme");
        var posted = new List<string>();
        for (var i = 0; i < 23; i++)
            posted.Add((await (await sme.PostJson("/api/cargo-offers", Requests.CargoOffer().With("destination", "BYMSQ"))).Created())["id"]!.ToString());

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = JsonNode.Parse(await sme.GetStringAsync(
                $"/api/cargo-offers?origin=CNTSN&destination=BYMSQ&limit=10{(cursor is null ? "" : "&cursor=" + cursor)}"))!;
            seen.AddRange(page["items"]!.AsArray().Select(o => o!["id"]!.ToString()));
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);

        var ours = seen.Where(posted.Contains).ToList();
        Assert.That(ours, Is.EqualTo(Enumerable.Reverse(posted).ToList()));
        Assert.That(seen, Is.Unique);
    }

    [Test]
    public async Task Mine_lists_only_the_callers_own_organisations_offers()
    {
        using var own = ListingsApp.As("mine-sme", "sme");
        using var other = ListingsApp.As("mine-other-sme", "sme");
        var ownIds = new List<string>();
        for (var i = 0; i < 3; i++)
            ownIds.Add((await (await own.PostJson("/api/cargo-offers", Requests.CargoOffer())).Created())["id"]!.ToString());
        var otherId = (await (await other.PostJson("/api/cargo-offers", Requests.CargoOffer())).Created())["id"]!.ToString();

        var page = JsonNode.Parse(await own.GetStringAsync("/api/cargo-offers?mine=true&limit=500"))!;
        var listed = page["items"]!.AsArray().Select(o => (Id: o!["id"]!.ToString(), Owner: o["owner"]!.ToString())).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(listed.Select(o => o.Id), Is.EquivalentTo(ownIds));
            Assert.That(listed.Select(o => o.Owner), Is.All.EqualTo("mine-sme"));
            Assert.That(listed.Select(o => o.Id), Does.Not.Contain(otherId));
        });
    }

    [Test]
    public async Task Offers_past_their_dates_expire_and_publish_through_the_outbox()
    {
        using var sme = ListingsApp.As("expiry-sme", "sme");
        var offer = (await (await sme.PostJson("/api/cargo-offers", Requests.CargoOffer())).Created())["id"]!.ToString();
        await using (var connection = await ListingsApp.Db.OpenConnectionAsync())
            await connection.ExecuteAsync(
                "UPDATE cargo_offers SET ready_date = current_date - 10, deliver_by = current_date - 1 WHERE id = @Id",
                new { Id = Guid.Parse(offer) });

        var job = ListingsApp.Factory.Services.GetServices<IHostedService>().OfType<ExpiryJob>().Single();
        var expired = await job.ExpireDue(CancellationToken.None);

        Assert.That(expired, Is.GreaterThanOrEqualTo(1));
        var status = JsonNode.Parse(await sme.GetStringAsync($"/api/cargo-offers/{offer}"))!["status"]!.GetValue<string>();
        Assert.That(status, Is.EqualTo("expired"));
        Assert.That(await job.ExpireDue(CancellationToken.None), Is.Zero, "a second run finds nothing more to expire");
    }
}
