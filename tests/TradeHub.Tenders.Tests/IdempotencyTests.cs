using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using static TradeHub.Tenders.Tests.Season;

namespace TradeHub.Tenders.Tests;

/// <summary>Idempotency-Key on opening a tender and placing a bid, as Listings takes it on its creates.</summary>
public sealed class IdempotencyTests
{
    static async Task<HttpResponseMessage> Post(HttpClient client, string path, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    [Test]
    public async Task A_tender_posted_twice_with_one_key_is_opened_once_and_the_key_with_another_body_is_a_409()
    {
        var org = TendersApp.Org("exporter");
        using var owner = TendersApp.As(org, "sme");
        var key = Guid.NewGuid().ToString();
        var tender = Tender(closesAt: DateTimeOffset.UtcNow.AddDays(3));

        var first = await Post(owner, "/api/tenders", tender, key);
        var again = await Post(owner, "/api/tenders", tender, key);
        var other = await Post(owner, "/api/tenders", Tender(minTrustScore: 50), key);

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created), await first.Content.ReadAsStringAsync());
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var id = JsonNode.Parse(await first.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        Assert.That(JsonNode.Parse(await again.Content.ReadAsStringAsync())!["id"]!.GetValue<string>(), Is.EqualTo(id));
        Assert.That(again.Headers.Location?.ToString(), Is.EqualTo($"/api/tenders/{id}"));
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        await using var connection = await TendersApp.Db.OpenConnectionAsync();
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM tenders WHERE owner_org = @Org", new { Org = org }), Is.EqualTo(1));
    }

    [Test]
    public async Task A_bid_repeated_with_one_key_gets_the_first_answer_and_the_key_on_another_tender_is_a_409()
    {
        using var owner = TendersApp.As(TendersApp.Org("exporter"), "sme");
        var id = (await Create(owner))["id"]!.GetValue<string>();
        var otherId = (await Create(owner))["id"]!.GetValue<string>();
        using var carrier = TendersApp.As(TendersApp.Org("rail"), "carrier");
        var key = Guid.NewGuid().ToString();
        var bid = new { packages = new[] { Package("tas", ("TAS", 2500m)) } };

        var first = await Post(carrier, $"/api/tenders/{id}/bids", bid, key);
        var again = await Post(carrier, $"/api/tenders/{id}/bids", bid, key);
        var elsewhere = await Post(carrier, $"/api/tenders/{otherId}/bids", bid, key);
        var later = await carrier.PostAsJsonAsync($"/api/tenders/{id}/bids", bid).Ok();

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created), await first.Content.ReadAsStringAsync());
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var firstBody = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        var againBody = JsonNode.Parse(await again.Content.ReadAsStringAsync())!;
        Assert.That(againBody["placedAt"]!.GetValue<string>(), Is.EqualTo(firstBody["placedAt"]!.GetValue<string>()));
        Assert.That(againBody["replaced"]!.GetValue<bool>(), Is.False, "the repeat replayed the first answer instead of replacing the bid");
        Assert.That(elsewhere.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(later["replaced"]!.GetValue<bool>(), Is.True, "a bid without the key still replaces");
    }
}
