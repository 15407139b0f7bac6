using System.Text.Json;
using Dapper;
using TradeHub.Shipments.Common;
using TradeHub.Shipments.Contracts;
using TradeHub.Shipments.Trust;

namespace TradeHub.Shipments.Tests;

public sealed class RatingTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Books the scenario's two-carrier shipment, reports its departures and confirms delivery.</summary>
    private static async Task<Guid> DeliveredShipment(Scenario s)
    {
        var id = await s.BookByMatch();
        using var carrier1 = ShipmentsApp.As(s.Carrier1, "carrier");
        using var carrier2 = ShipmentsApp.As(s.Carrier2, "carrier");
        using var shipper = ShipmentsApp.As(s.Shipper, "sme");
        using var d1 = await Scenario.Post(carrier1, $"/api/shipments/{id}/events", Scenario.Event("d1", "DEPA", "CNTSN", s.At(24)));
        using var a1 = await Scenario.Post(carrier1, $"/api/shipments/{id}/events", Scenario.Event("a1", "ARRI", "CNKHG", s.At(84)));
        using var d2 = await Scenario.Post(carrier2, $"/api/shipments/{id}/events", Scenario.Event("d2", "DEPA", "CNKHG", s.At(120)));
        using var delivered = await Scenario.Post(shipper, $"/api/shipments/{id}/delivery", new { deliveredAt = s.At(200) });
        Assert.That((int)delivered.StatusCode, Is.EqualTo(200), await delivered.Content.ReadAsStringAsync());
        return id;
    }

    private static async Task<IReadOnlyList<string>> Fields(HttpResponseMessage response)
    {
        Assert.That((int)response.StatusCode, Is.EqualTo(400), await response.Content.ReadAsStringAsync());
        return (await Scenario.Body(response)).GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
    }

    [Test]
    public async Task The_shipper_rates_each_carrier_and_each_carrier_the_shipper_once_per_shipment()
    {
        var s = new Scenario();
        var id = await DeliveredShipment(s);
        using var shipper = ShipmentsApp.As(s.Shipper, "sme");
        using var carrier1 = ShipmentsApp.As(s.Carrier1, "carrier");
        using var carrier2 = ShipmentsApp.As(s.Carrier2, "carrier");
        var url = $"/api/shipments/{id}/rating";

        using var first = await Scenario.Post(shipper, url, new { stars = 5, comment = "On time at Khorgos.", carrier = s.Carrier1 });
        using var second = await Scenario.Post(shipper, url, new { stars = 4, carrier = s.Carrier2 });
        using var byCarrier1 = await Scenario.Post(carrier1, url, new { stars = 5 });
        using var byCarrier2 = await Scenario.Post(carrier2, url, new { stars = 3, comment = "Papers late." });
        using var again = await Scenario.Post(shipper, url, new { stars = 1, carrier = s.Carrier1 });
        using var againByCarrier = await Scenario.Post(carrier1, url, new { stars = 1 });

        Assert.Multiple(async () =>
        {
            Assert.That(new[] { first, second, byCarrier1, byCarrier2 }.Select(r => (int)r.StatusCode), Has.All.EqualTo(201));
            Assert.That((int)again.StatusCode, Is.EqualTo(409));
            Assert.That((int)againByCarrier.StatusCode, Is.EqualTo(409));
            var body = await Scenario.Body(first);
            Assert.That(body.GetProperty("ratee").GetString(), Is.EqualTo(s.Carrier1));
            Assert.That(body.GetProperty("stars").GetInt32(), Is.EqualTo(5));
            Assert.That(await ShipmentsApp.Scalar<long>("SELECT count(*) FROM ratings WHERE shipment_id = @Id", new { Id = id }),
                Is.EqualTo(4));
            Assert.That(await ShipmentsApp.Scalar<int>(
                "SELECT stars FROM ratings WHERE shipment_id = @Id AND rater_org = @Shipper AND ratee_org = @Carrier",
                new { Id = id, s.Shipper, Carrier = s.Carrier1 }), Is.EqualTo(5), "the second rating changed nothing");
            Assert.That(await ShipmentsApp.WaitPublished<RatingGiven>(e => e.ShipmentId == id, 4), Is.EqualTo(4));
        });
    }

    [Test]
    public async Task Only_parties_of_a_delivered_shipment_rate_it()
    {
        var s = new Scenario();
        var id = await s.BookByMatch();
        using var shipper = ShipmentsApp.As(s.Shipper, "sme");
        using var stranger = ShipmentsApp.As(s.Stranger, "carrier");
        using var office = ShipmentsApp.As(s.Shipper, "trade_office");
        var url = $"/api/shipments/{id}/rating";

        using var beforeDelivery = await Scenario.Post(shipper, url, new { stars = 5, carrier = s.Carrier1 });
        using var byStranger = await Scenario.Post(stranger, url, new { stars = 1 });
        using var byOffice = await Scenario.Post(office, url, new { stars = 1, carrier = s.Carrier1 });
        using var anonymous = ShipmentsApp.Anonymous();
        using var unauthenticated = await Scenario.Post(anonymous, url, new { stars = 1 });

        Assert.Multiple(() =>
        {
            Assert.That((int)beforeDelivery.StatusCode, Is.EqualTo(409));
            Assert.That((int)byStranger.StatusCode, Is.EqualTo(404));
            Assert.That((int)byOffice.StatusCode, Is.EqualTo(403));
            Assert.That((int)unauthenticated.StatusCode, Is.EqualTo(401));
        });
    }

    [Test]
    public async Task Nobody_rates_a_shipment_where_one_organisation_is_on_both_sides()
    {
        var s = new Scenario();
        await ShipmentsApp.Deliver(s.Routes());
        await ShipmentsApp.Deliver(s.Bid(Guid.CreateVersion7(), "r-khorgos") with { CarrierOrg = s.Shipper });
        var id = await ShipmentsApp.Scalar<Guid>("SELECT id FROM shipments WHERE cargo_offer_id = @Id", new { Id = s.CargoOfferId });
        using var self = ShipmentsApp.As(s.Shipper, "sme");
        using var delivered = await Scenario.Post(self, $"/api/shipments/{id}/delivery", new { deliveredAt = s.At(200) });
        Assert.That((int)delivered.StatusCode, Is.EqualTo(200));

        using var rated = await Scenario.Post(self, $"/api/shipments/{id}/rating", new { stars = 5 });
        var trust = await Scenario.Get(self, $"/api/organisations/{s.Shipper}/trust");

        Assert.Multiple(() =>
        {
            Assert.That((int)rated.StatusCode, Is.EqualTo(403));
            Assert.That(trust.GetProperty("shipments").GetInt32(), Is.Zero);
            Assert.That(trust.GetProperty("score").GetInt32(), Is.EqualTo(TrustScoreChanged.WithoutRecord));
        });
    }

    [Test]
    public async Task Bad_ratings_are_refused_naming_the_field()
    {
        var s = new Scenario();
        var id = await DeliveredShipment(s);
        using var shipper = ShipmentsApp.As(s.Shipper, "sme");
        using var carrier1 = ShipmentsApp.As(s.Carrier1, "carrier");
        var url = $"/api/shipments/{id}/rating";

        using var zero = await Scenario.Post(shipper, url, new { stars = 0, carrier = s.Carrier1 });
        using var six = await Scenario.Post(shipper, url, new { stars = 6, carrier = s.Carrier1 });
        using var missing = await Scenario.Post(shipper, url, new { carrier = s.Carrier1 });
        using var longComment = await Scenario.Post(shipper, url, new { stars = 4, comment = new string('x', 2001), carrier = s.Carrier1 });
        using var whichCarrier = await Scenario.Post(shipper, url, new { stars = 4 });
        using var notACarrier = await Scenario.Post(shipper, url, new { stars = 4, carrier = s.Stranger });
        using var carrierNamesCarrier = await Scenario.Post(carrier1, url, new { stars = 4, carrier = s.Carrier2 });

        Assert.Multiple(async () =>
        {
            Assert.That(await Fields(zero), Is.EqualTo(new[] { "stars" }));
            Assert.That(await Fields(six), Is.EqualTo(new[] { "stars" }));
            Assert.That(await Fields(missing), Is.EqualTo(new[] { "stars" }));
            Assert.That(await Fields(longComment), Is.EqualTo(new[] { "comment" }));
            Assert.That(await Fields(whichCarrier), Is.EqualTo(new[] { "carrier" }));
            Assert.That(await Fields(notACarrier), Is.EqualTo(new[] { "carrier" }));
            Assert.That(await Fields(carrierNamesCarrier), Is.EqualTo(new[] { "carrier" }));
            Assert.That(await ShipmentsApp.Scalar<long>("SELECT count(*) FROM ratings WHERE shipment_id = @Id", new { Id = id }),
                Is.Zero);
        });
    }

    private sealed class StoredShipment
    {
        public Guid Id { get; init; }
        public string Shipper { get; init; } = "";
        public string[] Carriers { get; init; } = [];
        public string Status { get; init; } = "";
        public DateTime BookedAt { get; init; }
        public DateTime? DeliveredAt { get; init; }
        public string Legs { get; init; } = "[]";
    }

    private sealed class StoredRating
    {
        public Guid ShipmentId { get; init; }
        public string Rater { get; init; } = "";
        public string Ratee { get; init; } = "";
        public int Stars { get; init; }
    }

    /// <summary>The score from the tables, read here with SQL of the test's own.</summary>
    private static async Task<TrustReport> Recompute(string org)
    {
        await using var connection = await ShipmentsApp.Db.OpenConnectionAsync();
        var shipments = await connection.QueryAsync<StoredShipment>("""
            SELECT id AS Id, shipper_org AS Shipper, carrier_orgs AS Carriers, status AS Status, booked_at AS BookedAt,
                   delivered_at AS DeliveredAt, legs::text AS Legs
            FROM shipments WHERE @Org = shipper_org OR @Org = ANY (carrier_orgs)
            """, new { Org = org });
        var ratings = await connection.QueryAsync<StoredRating>(
            "SELECT shipment_id AS ShipmentId, rater_org AS Rater, ratee_org AS Ratee, stars AS Stars FROM ratings",
            new { Org = org });
        static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
        return TrustScore.Compute(org,
            shipments.Select(s => new TrustShipment(s.Id, s.Shipper, s.Carriers, s.Status, Utc(s.BookedAt),
                s.DeliveredAt is { } d ? Utc(d) : null,
                Legs.FromJson(s.Legs).Select(l => new TrustLeg(l.Carrier, l.PlannedDeparture, l.PlannedArrival,
                    l.ActualDeparture, l.ActualArrival)).ToList())),
            ratings.Select(r => new TrustRating(r.ShipmentId, r.Rater, r.Ratee, r.Stars)));
    }

    [Test]
    public async Task The_trust_endpoint_returns_what_the_stored_shipments_and_ratings_give_and_publishes_each_change()
    {
        var s = new Scenario();
        var first = await DeliveredShipment(s);
        using var shipper = ShipmentsApp.As(s.Shipper, "sme");
        using var carrier2 = ShipmentsApp.As(s.Carrier2, "carrier");
        using var rated = await Scenario.Post(shipper, $"/api/shipments/{first}/rating", new { stars = 5, carrier = s.Carrier1 });
        using var ratedShipper = await Scenario.Post(carrier2, $"/api/shipments/{first}/rating", new { stars = 2 });
        Assert.That((int)rated.StatusCode, Is.EqualTo(201));

        using var anyone = ShipmentsApp.As("some-trade-office", "trade_office");
        foreach (var org in new[] { s.Carrier1, s.Carrier2, s.Shipper })
        {
            var answer = await Scenario.Get(anyone, $"/api/organisations/{org}/trust");
            var served = answer.Deserialize<TrustReport>(Json)!;
            Assert.That(JsonSerializer.Serialize(served, Json), Is.EqualTo(JsonSerializer.Serialize(await Recompute(org), Json)), org);
            var score = answer.GetProperty("score").GetInt32();
            Assert.That(await ShipmentsApp.Scalar<int>("SELECT score FROM trust_scores WHERE org = @Org", new { Org = org }),
                Is.EqualTo(score), org);
            Assert.That(await ShipmentsApp.WaitPublished<TrustScoreChanged>(e => e.Org == org && e.Score == score), Is.GreaterThan(0),
                $"{org}'s score {score} was published");
        }

        var carrier1 = await Scenario.Get(anyone, $"/api/organisations/{s.Carrier1}/trust");
        Assert.Multiple(() =>
        {
            Assert.That(carrier1.GetProperty("org").GetString(), Is.EqualTo(s.Carrier1));
            Assert.That(carrier1.GetProperty("shipments").GetInt32(), Is.EqualTo(1));
            Assert.That(carrier1.GetProperty("onTimeShare").GetDouble(), Is.EqualTo(1.0), "carrier 1's leg arrived on plan");
            Assert.That(carrier1.GetProperty("ratings").GetProperty("count").GetInt32(), Is.EqualTo(1));
            Assert.That(carrier1.GetProperty("ratings").GetProperty("mean").GetDouble(), Is.EqualTo(5.0));
            Assert.That(carrier1.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("name").GetString()),
                Is.EqualTo(new[] { "onTime", "ratings", "completion", "experience" }));
            Assert.That(carrier1.GetProperty("explanation").GetArrayLength(), Is.GreaterThan(3));
            Assert.That(carrier1.GetProperty("score").GetInt32(), Is.GreaterThan(TrustScoreChanged.WithoutRecord));
        });
    }

    [Test]
    public async Task An_organisation_without_a_record_has_the_prior_score_and_bad_names_are_refused()
    {
        using var anyone = ShipmentsApp.As("someone", "sme");
        var unknown = await Scenario.Get(anyone, "/api/organisations/never-shipped/trust");
        using var tooLong = await anyone.GetAsync($"/api/organisations/{new string('x', 201)}/trust");
        using var anonymous = ShipmentsApp.Anonymous();
        using var unauthenticated = await anonymous.GetAsync("/api/organisations/never-shipped/trust");

        Assert.Multiple(async () =>
        {
            Assert.That(unknown.GetProperty("score").GetInt32(), Is.EqualTo(TrustScoreChanged.WithoutRecord));
            Assert.That(TrustScore.Compute("x", [], []).Score, Is.EqualTo(TrustScoreChanged.WithoutRecord));
            Assert.That(unknown.GetProperty("onTimeShare").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(await Fields(tooLong), Is.EqualTo(new[] { "org" }));
            Assert.That((int)unauthenticated.StatusCode, Is.EqualTo(401));
        });
    }
}
