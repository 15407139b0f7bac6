using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Messaging;
using TradeHub.Matching.CargoMatching;
using TradeHub.Matching.Contracts;
using TradeHub.Matching.Matches;
using TradeHub.Testing;

namespace TradeHub.Matching.Tests.Api;

public class ApiTests
{
    private WebApplicationFactory<Program> factory = null!;
    private NpgsqlDataSource dataSource = null!;
    private static readonly AuthOptions Auth = new() { DevIssuer = { Enabled = true } };
    private static readonly Guid Cargo = Guid.NewGuid(), China = Guid.NewGuid(), Central = Guid.NewGuid();

    [OneTimeSetUp]
    public async Task StartService()
    {
        var cs = await TestDatabase.CreateFresh("tradehub_test_matching_api");
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Database", cs);
            b.UseSetting("Auth:DevIssuer:Enabled", "true");
            // The in-memory bus: these tests must not take messages from the shared RabbitMQ.
            b.ConfigureTestServices(s => s.AddMassTransitTestHarness());
        });
        _ = factory.Server;
        dataSource = NpgsqlDataSource.Create(cs);
    }

    [OneTimeTearDown]
    public async Task StopService()
    {
        await factory.DisposeAsync();
        await dataSource.DisposeAsync();
    }

    [SetUp]
    public async Task EmptyTables()
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(
            "TRUNCATE matches, flows, flow_shipments, capacity_offers, cargo_offers, offer_closures, outbox, trust_scores");
    }

    private HttpClient Client(string org, string role)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenAuth.IssueDevToken(Auth, org, role));
        return client;
    }

    /// <summary>A proposed two-carrier match of a Tianjin - Tashkent shipment, with room on both capacity offers.</summary>
    private async Task<Guid> Proposed()
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO capacity_offers (id, carrier_org, from_node, to_node, mode, departure_from, departure_to, containers,
                                         container_type, price_per_container, currency, transit_days, status)
            VALUES (@China, 'china-rail', 'CNTSN', 'CNKHG', 'rail', DATE '2026-03-01', DATE '2026-03-03', 4, '40HC', 1000, 'USD', 5, 'open'),
                   (@Central, 'kaz-rail', 'KZALT', 'UZTAS', 'rail', DATE '2026-03-06', DATE '2026-03-09', 4, '40HC', 900, 'USD', 3, 'open')
            """, new { China, Central });
        MatchedLeg Leg(Guid id, string carrier, string from, string to) =>
            new() { CapacityOfferId = id, CarrierOrg = carrier, From = from, To = to, Mode = "rail", Containers = 2 };
        var proposal = new Proposal(MatchKinds.CargoCapacity, [Cargo, China, Central], [Cargo],
            ["tianjin-textiles", "china-rail", "kaz-rail"], 0.8, ["covers 5 of 5 legs"],
            [Leg(China, "china-rail", "CNTSN", "CNKHG"), Leg(Central, "kaz-rail", "KZALT", "UZTAS")], "r1",
            "CNTSN -rail-> CNKHG -rail-> KZALT -rail-> UZTAS", "sig", 3800m, "USD", "CNTSN", "UZTAS", "CNKHG", "rail",
            "520812", 2, 36_000m) { OwnerScore = 0.9, OwnerNotes = ["price 5 % under your target"] };
        await using var tx = await connection.BeginTransactionAsync();
        await factory.Services.GetRequiredService<Outbox>().Enlist(connection, tx).Propose([proposal], new MatchingRules());
        await tx.CommitAsync();
        return await connection.ExecuteScalarAsync<Guid>("SELECT id FROM matches");
    }

    private static async Task AssertFieldProblem(HttpResponseMessage response, string field)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("type").GetString(), Does.StartWith("https://tools.ietf.org/html/rfc9110#section-15.5.1"));
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
    }

    [Test]
    public async Task Listing_matches_with_a_bad_status_or_offer_id_names_the_field()
    {
        var client = Client("tianjin-textiles", Roles.Sme);

        await AssertFieldProblem(await client.GetAsync("/api/matches?status=maybe"), "status");
        await AssertFieldProblem(await client.GetAsync("/api/matches?offerId=not-a-uuid"), "offerId");
        await AssertFieldProblem(await client.GetAsync("/api/matches?limit=0"), "limit");
    }

    [Test]
    public async Task A_match_is_seen_by_its_parties_and_not_found_by_others()
    {
        var id = await Proposed();

        var mine = await Client("kaz-rail", Roles.Carrier).GetFromJsonAsync<JsonElement>($"/api/matches/{id}");
        var list = await Client("tianjin-textiles", Roles.Sme).GetFromJsonAsync<JsonElement>($"/api/matches?offerId={Cargo}&status=proposed");
        var theirs = await Client("someone-else", Roles.Sme).GetAsync($"/api/matches/{id}");
        var accept = await Client("someone-else", Roles.Sme).PostAsync($"/api/matches/{id}/accept", null);

        Assert.That(mine.GetProperty("kind").GetString(), Is.EqualTo("cargo-capacity"));
        Assert.That(mine.GetProperty("legs")[1].GetProperty("carrier").GetString(), Is.EqualTo("kaz-rail"));
        Assert.That(mine.GetProperty("price").GetProperty("amount").GetDecimal(), Is.EqualTo(3800m));
        Assert.That(list.GetProperty("items").GetArrayLength(), Is.EqualTo(1));
        Assert.That(theirs.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(accept.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    private static TradeHub.Shipments.Contracts.TrustScoreChanged Trust(string org, int score, DateTimeOffset changedAt) => new()
    {
        Org = org, Score = score, PreviousScore = TradeHub.Shipments.Contracts.TrustScoreChanged.WithoutRecord, Shipments = 4,
        ChangedAt = changedAt,
    };

    [Test]
    public async Task Each_carrier_of_a_match_shows_its_latest_trust_score_and_one_without_a_record_the_score_without_one()
    {
        var id = await Proposed();
        await Deliver(Trust("china-rail", 77, DateTimeOffset.UtcNow));
        await Deliver(Trust("china-rail", 30, DateTimeOffset.UtcNow.AddHours(-1)));

        var one = await Client("tianjin-textiles", Roles.Sme).GetFromJsonAsync<JsonElement>($"/api/matches/{id}");
        var list = await Client("tianjin-textiles", Roles.Sme).GetFromJsonAsync<JsonElement>($"/api/matches?offerId={Cargo}");

        int[] Scores(JsonElement match) =>
            match.GetProperty("legs").EnumerateArray().Select(l => l.GetProperty("carrierTrustScore").GetInt32()).ToArray();
        var expected = new[] { 77, TradeHub.Shipments.Contracts.TrustScoreChanged.WithoutRecord };
        Assert.That(Scores(one), Is.EqualTo(expected), "an older change arriving late changes nothing");
        Assert.That(Scores(list.GetProperty("items")[0]), Is.EqualTo(expected));
    }

    [Test]
    public async Task Only_the_shipper_sees_the_price_against_its_target()
    {
        var id = await Proposed();

        var shipper = await Client("tianjin-textiles", Roles.Sme).GetFromJsonAsync<JsonElement>($"/api/matches/{id}");
        var carrier = await Client("kaz-rail", Roles.Carrier).GetFromJsonAsync<JsonElement>($"/api/matches/{id}");
        var carrierList = await Client("china-rail", Roles.Carrier).GetFromJsonAsync<JsonElement>("/api/matches");

        Assert.That(shipper.GetProperty("explanation").EnumerateArray().Select(e => e.GetString()),
            Does.Contain("price 5 % under your target"));
        Assert.That(shipper.GetProperty("score").GetDouble(), Is.EqualTo(0.9));
        Assert.That(carrier.GetProperty("explanation").ToString(), Does.Not.Contain("target"));
        Assert.That(carrier.GetProperty("score").GetDouble(), Is.EqualTo(0.8));
        Assert.That(carrierList.GetProperty("items")[0].GetProperty("explanation").ToString(), Does.Not.Contain("target"));
    }

    [Test]
    public async Task Every_party_accepting_confirms_and_a_later_accept_is_a_conflict()
    {
        var id = await Proposed();

        var first = await Client("tianjin-textiles", Roles.Sme).PostAsync($"/api/matches/{id}/accept", null);
        await Client("china-rail", Roles.Carrier).PostAsync($"/api/matches/{id}/accept", null);
        var last = await Client("kaz-rail", Roles.Carrier).PostAsync($"/api/matches/{id}/accept", null);
        var decline = await Client("kaz-rail", Roles.Carrier).PostAsync($"/api/matches/{id}/decline", null);

        Assert.That((await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString(), Is.EqualTo("accepted"));
        Assert.That((await last.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString(), Is.EqualTo("confirmed"));
        Assert.That(decline.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(decline.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task Flows_sum_confirmed_matches_without_prices_or_parties_as_json_and_csv()
    {
        var id = await Proposed();
        foreach (var (org, role) in new[] { ("tianjin-textiles", Roles.Sme), ("china-rail", Roles.Carrier), ("kaz-rail", Roles.Carrier) })
            await Client(org, role).PostAsync($"/api/matches/{id}/accept", null);
        var office = Client("tianjin-trade-office", Roles.TradeOffice);
        var alone = await office.GetStringAsync("/api/flows?city=CNTSN&groupBy=corridor");
        await AddFlows(2, "CNTSN", "UZTAS", "CNKHG", "52");

        var json = await office.GetStringAsync("/api/flows?city=CNTSN&groupBy=corridor");
        var csv = await office.GetAsync("/api/flows.csv?origin=CNTSN&groupBy=hsChapter");

        Assert.That(alone, Is.EqualTo("[]"), "one deal alone is withheld");
        Assert.That(json, Is.EqualTo("""[{"origin":"CNTSN","destination":"UZTAS","corridor":"CNKHG","matches":3,"shipped":0,"delivered":0,"containers":6,"weightKg":108000}]"""));
        Assert.That(csv.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
        Assert.That(await csv.Content.ReadAsStringAsync(), Is.EqualTo(
            "origin,destination,hsChapter,matches,shipped,delivered,containers,weightKg\nCNTSN,UZTAS,52,3,0,0,6,108000\n"));
    }

    [Test]
    public async Task A_flow_row_of_fewer_than_three_deals_is_withheld_in_json_and_csv()
    {
        await AddFlows(2, "CNTSN", "BYMSQ", "CNKHG", "84");
        await AddFlows(3, "CNTSN", "KZALA", "CNKHG", "84");
        var office = Client("tianjin-trade-office", Roles.TradeOffice);

        var json = await office.GetStringAsync("/api/flows?origin=CNTSN");
        var csv = await (await office.GetAsync("/api/flows.csv?origin=CNTSN&groupBy=hsChapter")).Content.ReadAsStringAsync();

        Assert.That(json, Does.Contain("KZALA").And.Not.Contain("BYMSQ"));
        Assert.That(csv, Does.Contain("KZALA").And.Not.Contain("BYMSQ"));
    }

    /// <summary>Deals of 2 containers and 36 t each, as confirmed matches leave them in the flows read model.</summary>
    private async Task<List<Guid>> AddFlows(int count, string origin, string destination, string corridor, string hsChapter)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(Guid.NewGuid());
            await connection.ExecuteAsync("""
                INSERT INTO flows (source_id, source, origin, destination, corridor, mode, hs_chapter, month, containers, weight_kg, at)
                VALUES (@Id, 'match', @Origin, @Destination, @Corridor, 'rail', @HsChapter, date_trunc('month', now()), 2, 36000, now())
                """, new { Id = ids[^1], Origin = origin, Destination = destination, Corridor = corridor, HsChapter = hsChapter });
        }
        return ids;
    }

    private async Task Deliver<T>(T message) where T : class
    {
        var harness = factory.Services.GetRequiredService<MassTransit.Testing.ITestHarness>();
        var id = Guid.NewGuid();
        await harness.Bus.Publish(message, ctx => ctx.MessageId = id);
        for (var i = 0; i < 200 && !harness.Consumed.Select<T>(c => c.Context.MessageId == id).Any(); i++) await Task.Delay(100);
        var consumed = harness.Consumed.Select<T>(c => c.Context.MessageId == id).FirstOrDefault();
        Assert.That(consumed, Is.Not.Null, $"{typeof(T).Name} was not consumed");
        Assert.That(consumed!.Exception, Is.Null, consumed.Exception?.ToString());
    }

    private static TradeHub.Shipments.Contracts.ShipmentBooked Booked(Guid shipmentId, Guid matchId) => new()
    {
        ShipmentId = shipmentId, CargoOfferId = Guid.NewGuid(), MatchId = matchId, ShipperOrg = "tianjin-textiles",
        CarrierOrgs = ["china-rail"], PartyOrgs = ["tianjin-textiles", "china-rail"], Origin = "CNTSN", Destination = "UZTAS",
        DeliverBy = new DateOnly(2027, 4, 1), Containers = 2, ContainerType = "40HC", Legs = [],
        PlannedArrival = DateTimeOffset.UtcNow, BookedAt = DateTimeOffset.UtcNow,
    };

    private static TradeHub.Shipments.Contracts.ShipmentDelivered Delivered(Guid shipmentId) => new()
    {
        ShipmentId = shipmentId, CargoOfferId = Guid.NewGuid(), PartyOrgs = ["tianjin-textiles", "china-rail"], Origin = "CNTSN",
        Destination = "UZTAS", DeliverBy = new DateOnly(2027, 4, 1), DeliveredAt = DateTimeOffset.UtcNow, OnTime = true,
    };

    [Test]
    public async Task Flows_count_the_deals_shipped_and_delivered_beside_the_matches_whichever_shipment_event_comes_first()
    {
        var deals = await AddFlows(3, "CNTSN", "UZTAS", "CNKHG", "52");
        Guid booked = Guid.NewGuid(), delivered = Guid.NewGuid();
        await Deliver(Booked(booked, deals[0]));
        await Deliver(Delivered(delivered));
        await Deliver(Booked(delivered, deals[1]));

        var json = await Client("tianjin-trade-office", Roles.TradeOffice).GetStringAsync("/api/flows?city=CNTSN&groupBy=corridor");

        Assert.That(json, Is.EqualTo("""[{"origin":"CNTSN","destination":"UZTAS","corridor":"CNKHG","matches":3,"shipped":2,"delivered":1,"containers":6,"weightKg":108000}]"""));
    }

    [Test]
    public async Task Flows_refuse_a_bad_group_or_date_naming_the_field()
    {
        var office = Client("tianjin-trade-office", Roles.TradeOffice);

        await AssertFieldProblem(await office.GetAsync("/api/flows?groupBy=price"), "groupBy");
        await AssertFieldProblem(await office.GetAsync("/api/flows.csv?since=yesterday"), "since");
        await AssertFieldProblem(await office.GetAsync("/api/flows?since=2026-05-01&until=2026-04-01"), "until");
    }

    [Test]
    public async Task Flows_are_for_trade_offices_and_admins_only()
    {
        var sme = await Client("tianjin-textiles", Roles.Sme).GetAsync("/api/flows");
        var anonymous = await factory.CreateClient().GetAsync("/api/flows");
        var admin = await Client("operator", Roles.Admin).GetAsync("/api/flows");

        Assert.That(sme.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(admin.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
