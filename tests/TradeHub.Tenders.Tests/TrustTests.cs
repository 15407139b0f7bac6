using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using TradeHub.Shipments.Contracts;
using static TradeHub.Tenders.Tests.Season;

namespace TradeHub.Tenders.Tests;

/// <summary>Carriers' trust scores from Shipments: beside each carrier of an award, and a tender's minimum for bidders.</summary>
public sealed class TrustTests
{
    static async Task ScoreIs(string org, int score, DateTimeOffset changedAt)
    {
        var messageId = Guid.NewGuid();
        await TendersApp.Factory.Services.GetRequiredService<IBus>().Publish(new TrustScoreChanged
        {
            Org = org, Score = score, PreviousScore = TrustScoreChanged.WithoutRecord, Shipments = 3, ChangedAt = changedAt,
        }, c => c.MessageId = messageId);
        await using var connection = await TendersApp.Db.OpenConnectionAsync();
        for (var i = 0; i < 300; i++)
        {
            if (await connection.ExecuteScalarAsync<long>(
                    "SELECT count(*) FROM inbox WHERE consumer = 'tenders.trust-score-changed' AND message_id = @Id",
                    new { Id = messageId }) == 1) return;
            await Task.Delay(100);
        }
        Assert.Fail($"TrustScoreChanged {messageId} was not handled");
    }

    static object AllLanes(decimal price) => new
    {
        packages = new[] { Package("all", ("TAS", price), ("ALA", price), ("MSQ", price), ("MOW", price), ("TBS", price)) },
    };

    static async Task<JsonObject> Problem(HttpResponseMessage answer, HttpStatusCode status)
    {
        var text = await answer.Content.ReadAsStringAsync();
        Assert.That(answer.StatusCode, Is.EqualTo(status), text);
        return JsonNode.Parse(text)!.AsObject();
    }

    [Test]
    public async Task A_carrier_below_the_tenders_minimum_trust_score_cannot_bid_and_one_above_can()
    {
        string trusted = TendersApp.Org("trusted-rail"), doubtful = TendersApp.Org("doubtful-rail"), unknown = TendersApp.Org("new-rail");
        await ScoreIs(trusted, 82, DateTimeOffset.UtcNow);
        await ScoreIs(doubtful, 41, DateTimeOffset.UtcNow);
        using var owner = TendersApp.As(TendersApp.Org("careful-exporter"), "sme");
        var tender = await Create(owner, Tender(minTrustScore: 70));
        var id = tender["id"]!.GetValue<string>();

        using var good = TendersApp.As(trusted, "carrier");
        using var bad = TendersApp.As(doubtful, "carrier");
        using var newcomer = TendersApp.As(unknown, "carrier");
        await good.PostAsJsonAsync($"/api/tenders/{id}/bids", AllLanes(2000m)).Ok();
        var refused = await Problem(await bad.PostAsJsonAsync($"/api/tenders/{id}/bids", AllLanes(1500m)), HttpStatusCode.Forbidden);
        var refusedNewcomer = await Problem(await newcomer.PostAsJsonAsync($"/api/tenders/{id}/bids", AllLanes(1500m)), HttpStatusCode.Forbidden);

        Assert.Multiple(() =>
        {
            Assert.That(tender["minTrustScore"]!.GetValue<int>(), Is.EqualTo(70));
            Assert.That(refused["detail"]!.GetValue<string>(), Does.Contain("at least 70").And.Contain("has 41"));
            Assert.That(refusedNewcomer["detail"]!.GetValue<string>(), Does.Contain($"has {TrustScoreChanged.WithoutRecord}"));
        });
        var seen = await owner.GetAsync($"/api/tenders/{id}").Ok();
        Assert.That(seen["bidCount"]!.GetValue<int>(), Is.EqualTo(1), "a refused bid is not stored");
    }

    [Test]
    public async Task The_award_shows_each_winning_carriers_latest_trust_score_and_an_older_change_arriving_late_changes_nothing()
    {
        string scored = TendersApp.Org("scored-rail"), unscored = TendersApp.Org("unscored-road");
        await ScoreIs(scored, 88, DateTimeOffset.UtcNow);
        await ScoreIs(scored, 20, DateTimeOffset.UtcNow.AddHours(-1));
        using var owner = TendersApp.As(TendersApp.Org("exporter"), "sme");
        var id = (await Create(owner))["id"]!.GetValue<string>();
        using var rail = TendersApp.As(scored, "carrier");
        using var road = TendersApp.As(unscored, "carrier");
        await rail.PostAsJsonAsync($"/api/tenders/{id}/bids", new
        {
            packages = new[] { Package("central-asia", ("TAS", 2100m), ("ALA", 2000m)) },
        }).Ok();
        await road.PostAsJsonAsync($"/api/tenders/{id}/bids", new
        {
            packages = new[] { Package("west", ("MSQ", 3100m), ("MOW", 3000m), ("TBS", 2900m)) },
        }).Ok();
        await owner.PostAsync($"/api/tenders/{id}/close", null);

        var award = await AwardOf(owner, id);
        var scores = award["assignments"]!.AsArray()
            .ToDictionary(a => a!["laneRef"]!.GetValue<string>(), a => a!["carrierTrustScore"]!.GetValue<int>());
        var own = await rail.GetAsync($"/api/tenders/{id}/award").Ok();

        Assert.Multiple(() =>
        {
            Assert.That(scores, Is.EqualTo(new Dictionary<string, int>
            {
                ["TAS"] = 88, ["ALA"] = 88,
                ["MSQ"] = TrustScoreChanged.WithoutRecord, ["MOW"] = TrustScoreChanged.WithoutRecord, ["TBS"] = TrustScoreChanged.WithoutRecord,
            }));
            Assert.That(own["assignments"]!.AsArray().Select(a => a!["carrierTrustScore"]!.GetValue<int>()), Is.EqualTo(new[] { 88, 88 }));
            Assert.That(award["explanation"]![0]!.GetValue<string>(), Does.StartWith("5 of 5 lanes awarded to 2 carriers"));
            Assert.That(own["explanation"]![0]!.GetValue<string>(), Does.StartWith("You won 2 lanes"));
        });
    }

    [Test]
    public async Task A_minimum_trust_score_outside_0_to_100_is_a_400_naming_the_field()
    {
        using var owner = TendersApp.As(TendersApp.Org("exporter"), "sme");
        var errors = (await Problem(await owner.PostAsJsonAsync("/api/tenders", Tender(minTrustScore: 101)), HttpStatusCode.BadRequest))["errors"]!;
        Assert.That(errors.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "minTrustScore" }));
    }
}
