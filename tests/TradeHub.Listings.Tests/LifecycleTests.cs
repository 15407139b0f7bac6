using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using TradeHub.Listings.Common;

namespace TradeHub.Listings.Tests;

/// <summary>Every legal and illegal move of the offer lifecycle, through the API.</summary>
public class LifecycleTests
{
    private HttpClient _owner = null!;
    private HttpClient _carrier = null!;

    [SetUp]
    public void SignIn()
    {
        _owner = ListingsApp.As("lifecycle-owner", "sme");
        _carrier = ListingsApp.As("lifecycle-carrier", "carrier");
    }

    [TearDown]
    public void SignOut()
    {
        _owner.Dispose();
        _carrier.Dispose();
    }

    private async Task<string> NewOffer() => (await (await _owner.PostJson("/api/cargo-offers", Requests.CargoOffer())).Created())["id"]!.ToString();

    private async Task<string> NewBid(string offer) =>
        (await (await _carrier.PostJson($"/api/cargo-offers/{offer}/bids", Requests.Bid())).Created())["id"]!.ToString();

    private async Task<string> Status(string offer) =>
        JsonNode.Parse(await _owner.GetStringAsync($"/api/cargo-offers/{offer}"))!["status"]!.GetValue<string>();

    [Test]
    public async Task Awarding_a_bid_awards_the_offer_and_the_other_bids_lose()
    {
        var offer = await NewOffer();
        var winner = await NewBid(offer);
        var loser = await NewBid(offer);
        var award = await _owner.PostAsync($"/api/cargo-offers/{offer}/bids/{winner}/award", null);
        Assert.That(award.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await Status(offer), Is.EqualTo("awarded"));
        var bids = JsonNode.Parse(await _owner.GetStringAsync($"/api/cargo-offers/{offer}/bids"))!["items"]!.AsArray();
        var statuses = bids.ToDictionary(b => b!["id"]!.ToString(), b => b!["status"]!.GetValue<string>());
        Assert.That(statuses[winner], Is.EqualTo("awarded"));
        Assert.That(statuses[loser], Is.EqualTo("lost"));
    }

    [Test]
    public async Task Awarding_twice_is_a_conflict()
    {
        var offer = await NewOffer();
        var first = await NewBid(offer);
        var second = await NewBid(offer);
        await _owner.PostAsync($"/api/cargo-offers/{offer}/bids/{first}/award", null);
        await (await _owner.PostAsync($"/api/cargo-offers/{offer}/bids/{second}/award", null)).AssertProblem(HttpStatusCode.Conflict);
        await (await _owner.PostAsync($"/api/cargo-offers/{offer}/bids/{first}/award", null)).AssertProblem(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Awarding_a_bid_of_another_offer_is_a_conflict()
    {
        var offer = await NewOffer();
        var other = await NewOffer();
        var bid = await NewBid(other);
        await (await _owner.PostAsync($"/api/cargo-offers/{offer}/bids/{bid}/award", null)).AssertProblem(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Bid_on_withdrawn_offer_is_a_conflict()
    {
        var offer = await NewOffer();
        await _owner.DeleteAsync($"/api/cargo-offers/{offer}");
        await (await _carrier.PostJson($"/api/cargo-offers/{offer}/bids", Requests.Bid())).AssertProblem(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Bid_on_awarded_offer_is_a_conflict()
    {
        var offer = await NewOffer();
        await _owner.PostAsync($"/api/cargo-offers/{offer}/bids/{await NewBid(offer)}/award", null);
        await (await _carrier.PostJson($"/api/cargo-offers/{offer}/bids", Requests.Bid())).AssertProblem(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Withdrawing_an_awarded_offer_is_a_conflict()
    {
        var offer = await NewOffer();
        await _owner.PostAsync($"/api/cargo-offers/{offer}/bids/{await NewBid(offer)}/award", null);
        await (await _owner.DeleteAsync($"/api/cargo-offers/{offer}")).AssertProblem(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Withdrawing_twice_is_a_conflict_and_open_bids_lose()
    {
        var offer = await NewOffer();
        var bid = await NewBid(offer);
        Assert.That((await _owner.DeleteAsync($"/api/cargo-offers/{offer}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await Status(offer), Is.EqualTo("withdrawn"));
        await (await _owner.DeleteAsync($"/api/cargo-offers/{offer}")).AssertProblem(HttpStatusCode.Conflict);
        var bids = JsonNode.Parse(await _owner.GetStringAsync($"/api/cargo-offers/{offer}/bids"))!["items"]!.AsArray();
        Assert.That(bids.Single()!["id"]!.ToString(), Is.EqualTo(bid));
        Assert.That(bids.Single()!["status"]!.GetValue<string>(), Is.EqualTo("lost"));
    }

    [Test]
    public async Task Unknown_offers_and_bids_are_404_problems()
    {
        var offer = await NewOffer();
        await (await _owner.GetAsync($"/api/cargo-offers/{Guid.CreateVersion7()}")).AssertProblem(HttpStatusCode.NotFound);
        await (await _owner.PostAsync($"/api/cargo-offers/{offer}/bids/{Guid.CreateVersion7()}/award", null)).AssertProblem(HttpStatusCode.NotFound);
        await (await _carrier.PostJson($"/api/cargo-offers/{Guid.CreateVersion7()}/bids", Requests.Bid())).AssertProblem(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task A_matched_offer_cannot_be_withdrawn()
    {
        var offer = await NewOffer();
        await using (var connection = await ListingsApp.Db.OpenConnectionAsync())
            await connection.ExecuteAsync("UPDATE cargo_offers SET status = 'matched' WHERE id = @Id", new { Id = Guid.Parse(offer) });
        await (await _owner.DeleteAsync($"/api/cargo-offers/{offer}")).AssertProblem(HttpStatusCode.Conflict);
    }

    [TestCase("open", "matched", true)]
    [TestCase("open", "awarded", true)]
    [TestCase("open", "withdrawn", true)]
    [TestCase("open", "expired", true)]
    [TestCase("matched", "withdrawn", false)]
    [TestCase("awarded", "withdrawn", false)]
    [TestCase("awarded", "awarded", false)]
    [TestCase("withdrawn", "withdrawn", false)]
    [TestCase("expired", "awarded", false)]
    [TestCase("withdrawn", "open", false)]
    public void The_lifecycle_allows_only_moves_out_of_open(string from, string to, bool legal) =>
        Assert.That(OfferStatus.RefuseMove(from, to), legal ? Is.Null : Is.Not.Null);
}
