using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using TradeHub.Shipments.Contracts;

namespace TradeHub.Listings.Tests;

/// <summary>Carriers' trust scores from Shipments: beside each bid, and a cargo offer's minimum for bidders.</summary>
public class BidTrustTests
{
    private static readonly string Run = Guid.NewGuid().ToString("N")[..8];

    private static async Task ScoreIs(string org, int score, DateTimeOffset changedAt)
    {
        var messageId = Guid.NewGuid();
        await ListingsApp.Factory.Services.GetRequiredService<IBus>().Publish(new TrustScoreChanged
        {
            Org = org, Score = score, PreviousScore = TrustScoreChanged.WithoutRecord, Shipments = 3, ChangedAt = changedAt,
        }, c => c.MessageId = messageId);
        await using var connection = await ListingsApp.Db.OpenConnectionAsync();
        for (var i = 0; i < 300; i++)
        {
            if (await connection.ExecuteScalarAsync<long>(
                    "SELECT count(*) FROM inbox WHERE consumer = 'listings.trust-score-changed' AND message_id = @Id",
                    new { Id = messageId }) == 1) return;
            await Task.Delay(100);
        }
        Assert.Fail($"TrustScoreChanged {messageId} was not handled");
    }

    private static async Task<string> CargoOffer(HttpClient owner, int? minTrustScore)
    {
        var body = Requests.CargoOffer();
        if (minTrustScore is { } min) body["minTrustScore"] = min;
        var offer = await (await owner.PostJson("/api/cargo-offers", body)).Created();
        Assert.That(offer["minTrustScore"]?.GetValue<int?>(), Is.EqualTo(minTrustScore));
        return offer["id"]!.ToString();
    }

    [Test]
    public async Task A_carrier_below_the_offers_minimum_trust_score_cannot_bid_and_one_above_can()
    {
        string trusted = $"trusted-rail-{Run}", doubtful = $"doubtful-rail-{Run}", unknown = $"new-rail-{Run}";
        await ScoreIs(trusted, 82, DateTimeOffset.UtcNow);
        await ScoreIs(doubtful, 41, DateTimeOffset.UtcNow);
        using var owner = ListingsApp.As($"careful-shipper-{Run}", "sme");
        var offer = await CargoOffer(owner, minTrustScore: 70);

        using var good = ListingsApp.As(trusted, "carrier");
        using var bad = ListingsApp.As(doubtful, "carrier");
        using var newcomer = ListingsApp.As(unknown, "carrier");
        var placed = await (await good.PostJson($"/api/cargo-offers/{offer}/bids", Requests.Bid())).Created();
        var refused = await (await bad.PostJson($"/api/cargo-offers/{offer}/bids", Requests.Bid())).AssertProblem(HttpStatusCode.Forbidden);
        await (await newcomer.PostJson($"/api/cargo-offers/{offer}/bids", Requests.Bid())).AssertProblem(HttpStatusCode.Forbidden);

        Assert.Multiple(() =>
        {
            Assert.That(placed["carrierTrustScore"]!.GetValue<int>(), Is.EqualTo(82));
            Assert.That(refused["detail"]!.GetValue<string>(), Does.Contain("at least 70").And.Contain("has 41"));
        });
    }

    [Test]
    public async Task The_owner_sees_each_bidders_latest_trust_score_and_an_older_change_arriving_late_changes_nothing()
    {
        string scored = $"scored-rail-{Run}", unscored = $"unscored-rail-{Run}";
        await ScoreIs(scored, 75, DateTimeOffset.UtcNow);
        await ScoreIs(scored, 30, DateTimeOffset.UtcNow.AddHours(-1));
        using var owner = ListingsApp.As($"open-shipper-{Run}", "sme");
        var offer = await CargoOffer(owner, minTrustScore: null);
        using var first = ListingsApp.As(scored, "carrier");
        using var second = ListingsApp.As(unscored, "carrier");
        await (await first.PostJson($"/api/cargo-offers/{offer}/bids", Requests.Bid())).Created();
        await (await second.PostJson($"/api/cargo-offers/{offer}/bids", Requests.Bid())).Created();

        var page = JsonNode.Parse(await owner.GetStringAsync($"/api/cargo-offers/{offer}/bids"))!;
        var scores = page["items"]!.AsArray().ToDictionary(b => b!["carrier"]!.GetValue<string>(), b => b!["carrierTrustScore"]!.GetValue<int>());

        Assert.That(scores, Is.EqualTo(new Dictionary<string, int> { [scored] = 75, [unscored] = TrustScoreChanged.WithoutRecord }));
    }

    [Test]
    public async Task A_minimum_trust_score_outside_0_to_100_is_refused_naming_the_field()
    {
        using var owner = ListingsApp.As($"shipper-{Run}", "sme");
        var answer = await owner.PostJson("/api/cargo-offers", Requests.CargoOffer().With("minTrustScore", 101));
        await answer.AssertProblem(HttpStatusCode.BadRequest, "minTrustScore");
    }
}
