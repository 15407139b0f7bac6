using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Contracts;
using TradeHub.Routing.CargoOffers;
using TradeHub.Routing.Contracts;
using TradeHub.Routing.Network;

namespace TradeHub.Routing.Tests.Api;

/// <summary>Consumers and disruptions end to end: bus (in-memory harness), inbox, database, outbox relay.</summary>
public class CargoOfferRoutingTests
{
    private static CargoOfferPosted Posted(Guid id, string from = "CNTSN", string to = "UZTAS") => new()
    {
        CargoOfferId = id, OwnerOrg = "org-a", Origin = from, Destination = to, ReadyDate = new DateOnly(2027, 3, 1),
        DeliverBy = new DateOnly(2027, 4, 1), ContainerCount = 2, ContainerType = "40HC", WeightKg = 30_000, PostedAt = DateTimeOffset.UtcNow,
    };

    private static async Task<JsonElement> WaitForRoutes(Guid id, long version, HttpClient client)
    {
        for (var i = 0; i < 100; i++)
        {
            var body = await client.GetFromJsonAsync<JsonElement>($"/api/cargo-offers/{id}/routes");
            if (body.GetProperty("status").GetString() == "ready" && body.GetProperty("version").GetInt64() >= version) return body;
            await Task.Delay(100);
        }
        Assert.Fail($"routes of {id} did not reach version {version}");
        return default;
    }

    [Test]
    public async Task A_request_for_the_logistics_cost_table_is_answered_with_the_table_of_the_current_network()
    {
        var harness = RoutingApp.Factory.Services.GetRequiredService<ITestHarness>();
        var network = await RoutingApp.Factory.Services.GetRequiredService<NetworkState>().Get();
        var requestId = Guid.NewGuid();
        // The table Routing publishes when it starts on a network version is computed before it is marked published;
        // tables computed after that mark answer this request.
        await using (var connection = new NpgsqlConnection(RoutingApp.ConnectionString))
            for (var i = 0; i < 100 && await connection.ExecuteScalarAsync<long>(
                     "SELECT cost_table_version FROM network_state WHERE id = 1") < network.Version; i++)
                await Task.Delay(100);
        var sent = DateTimeOffset.UtcNow;
        List<LogisticsCostTableComputed> Answers() => harness.Published.Select<LogisticsCostTableComputed>()
            .Select(m => m.Context.Message).Where(t => t.ComputedAt >= sent).ToList();

        await harness.Bus.Publish(new TradeHub.Matching.Contracts.LogisticsCostTableRequested { RequestedAt = DateTimeOffset.UtcNow },
            ctx => ctx.MessageId = requestId);
        // The same request delivered again (a redelivery) is answered once.
        await harness.Bus.Publish(new TradeHub.Matching.Contracts.LogisticsCostTableRequested { RequestedAt = DateTimeOffset.UtcNow },
            ctx => ctx.MessageId = requestId);
        for (var i = 0; i < 100 && Answers().Count == 0; i++) await Task.Delay(100);
        for (var i = 0; i < 50 && harness.Consumed.Select<TradeHub.Matching.Contracts.LogisticsCostTableRequested>()
                 .Count(m => m.Context.MessageId == requestId) < 2; i++)
            await Task.Delay(100);
        await Task.Delay(500);

        var answers = Answers();
        Assert.That(answers, Has.Count.EqualTo(1));
        Assert.That(answers[0].Version, Is.EqualTo(network.Version));
        Assert.That(answers[0].Pairs, Is.Not.Empty);
    }

    [TestCase("cargo_offers_open_nodes")]
    [TestCase("cargo_offers_open_legs")]
    public async Task A_route_set_writes_its_nodes_and_legs_straight_into_the_GIN_index(string index)
    {
        // With GIN's pending list the insert that filled it merged 4 MB of keys (35-80 ms) under load (migration 0003).
        await using var connection = new NpgsqlConnection(RoutingApp.ConnectionString);
        var options = await connection.QuerySingleAsync<string[]?>(
            "SELECT reloptions FROM pg_class WHERE oid = CAST(@Index AS regclass)", new { Index = index });
        Assert.That(options ?? [], Does.Contain("fastupdate=off"));
    }

    [Test]
    public async Task CargoOfferPosted_handled_twice_with_the_same_message_id_stores_one_route_set()
    {
        var harness = RoutingApp.Factory.Services.GetRequiredService<ITestHarness>();
        var id = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        await harness.Bus.Publish(Posted(id), ctx => ctx.MessageId = messageId);
        await harness.Bus.Publish(Posted(id), ctx => ctx.MessageId = messageId);
        var body = await WaitForRoutes(id, 1, RoutingApp.Client());
        for (var i = 0; i < 50 && harness.Consumed.Select<CargoOfferPosted>().Count(m => m.Context.Message.CargoOfferId == id) < 2; i++)
            await Task.Delay(100);

        await using var connection = new NpgsqlConnection(RoutingApp.ConnectionString);
        var rows = await connection.QueryAsync<long>("SELECT version FROM cargo_offers WHERE id = @id", new { id });
        Assert.That(rows.Single(), Is.EqualTo(1));
        Assert.That(body.GetProperty("routes").GetArrayLength(), Is.GreaterThan(0));
        for (var i = 0; i < 50 && !harness.Published.Select<CargoRoutesComputed>().Any(m => m.Context.Message.CargoOfferId == id); i++)
            await Task.Delay(100);
        Assert.That(harness.Published.Select<CargoRoutesComputed>().Count(m => m.Context.Message.CargoOfferId == id), Is.EqualTo(1));
    }

    [Test]
    public async Task Handler_run_twice_in_the_inbox_pattern_stores_one_route_set()
    {
        var dataSource = RoutingApp.Factory.Services.GetRequiredService<NpgsqlDataSource>();
        var snapshot = await RoutingApp.Factory.Services.GetRequiredService<NetworkState>().Get();
        var id = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        for (var i = 0; i < 2; i++)
        {
            await using var tx = await RoutingApp.Factory.Services.GetRequiredService<Outbox>().Begin();
            var handled = await CargoRouting.OnPosted(tx, "routing.cargo-offer-posted",
                [(messageId, Posted(id, "CNCKG", "DEDUI"))], snapshot);
            Assert.That(handled, Is.EqualTo(i == 0), "the second run finds the message in the inbox");
            await tx.Commit();
        }
        await using var check = await dataSource.OpenConnectionAsync();
        var (version, routes) = await check.QuerySingleAsync<(long, int)>(
            "SELECT version, jsonb_array_length(routes) FROM cargo_offers WHERE id = @id", new { id });
        Assert.That(version, Is.EqualTo(1));
        Assert.That(routes, Is.GreaterThan(0));
    }

    [Test]
    public async Task Withdrawal_before_the_post_is_remembered_and_the_offer_is_never_routed()
    {
        var harness = RoutingApp.Factory.Services.GetRequiredService<ITestHarness>();
        var id = Guid.NewGuid();
        await harness.Bus.Publish(new CargoOfferWithdrawn { CargoOfferId = id, OwnerOrg = "org-a", At = DateTimeOffset.UtcNow });
        await using var connection = new NpgsqlConnection(RoutingApp.ConnectionString);
        for (var i = 0; i < 50 && await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM cargo_offers WHERE id = @id", new { id }) == 0; i++)
            await Task.Delay(100);
        await harness.Bus.Publish(Posted(id));
        for (var i = 0; i < 50 && await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM cargo_offers WHERE id = @id AND origin IS NOT NULL", new { id }) == 0; i++)
            await Task.Delay(100);
        var (status, version) = await connection.QuerySingleAsync<(string, long)>("SELECT status, version FROM cargo_offers WHERE id = @id", new { id });
        Assert.That(status, Is.EqualTo("closed"));
        Assert.That(version, Is.EqualTo(0));
    }

    [Test]
    public async Task Closing_a_crossing_reroutes_open_offers_and_lifting_it_restores_them()
    {
        var harness = RoutingApp.Factory.Services.GetRequiredService<ITestHarness>();
        var owner = RoutingApp.Client();
        var admin = RoutingApp.Client("admin", "operator");
        var id = Guid.NewGuid();
        await harness.Bus.Publish(Posted(id));
        var before = await WaitForRoutes(id, 1, owner);
        Assert.That(before.GetRawText(), Does.Contain("CNKHG-KZALT-rail"));

        var opened = await admin.PostAsJsonAsync("/api/network/disruptions",
            new { legId = "CNKHG-KZALT-rail", from = "2027-02-20", to = "2027-03-10", reason = "Khorgos works" });
        Assert.That(opened.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var disruption = await opened.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(disruption.GetProperty("reroutedOffers").GetInt32(), Is.GreaterThanOrEqualTo(1));
        var during = await WaitForRoutes(id, 2, owner);
        Assert.That(during.GetRawText(), Does.Not.Contain("CNKHG-KZALT-rail"));
        var list = await owner.GetFromJsonAsync<JsonElement>("/api/network/disruptions");
        Assert.That(list.GetProperty("items").GetRawText(), Does.Contain("Khorgos works"));

        var routes = await owner.GetFromJsonAsync<JsonElement>("/api/routes?from=CNTSN&to=UZTAS&readyDate=2027-03-01");
        Assert.That(routes.GetRawText(), Does.Not.Contain("CNKHG-KZALT-rail"), "the graph changed at once");

        var lifted = await admin.DeleteAsync($"/api/network/disruptions/{disruption.GetProperty("id").GetGuid()}");
        Assert.That(lifted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        var after = await WaitForRoutes(id, 3, owner);
        Assert.That(after.GetRawText(), Does.Contain("CNKHG-KZALT-rail"));

        for (var i = 0; i < 50 && !harness.Published.Select<RouteNetworkChanged>().Any(); i++) await Task.Delay(100);
        Assert.That(harness.Published.Select<RouteNetworkChanged>().Any(), Is.True);
        Assert.That(harness.Published.Select<LogisticsCostTableComputed>().Any(), Is.True);
        var versions = harness.Published.Select<CargoRoutesComputed>().Where(m => m.Context.Message.CargoOfferId == id)
            .Select(m => m.Context.Message.Version).OrderBy(v => v).ToList();
        for (var i = 0; i < 50 && versions.Count < 3; i++)
        {
            await Task.Delay(100);
            versions = harness.Published.Select<CargoRoutesComputed>().Where(m => m.Context.Message.CargoOfferId == id)
                .Select(m => m.Context.Message.Version).OrderBy(v => v).ToList();
        }
        Assert.That(versions, Is.EqualTo(new long[] { 1, 2, 3 }));
        var offers = harness.Published.Select<CargoRoutesComputed>().Where(m => m.Context.Message.CargoOfferId == id)
            .Select(m => m.Context.Message.Offer).ToList();
        var posted = Posted(id);
        Assert.That(offers, Has.All.Not.Null, "every version carries the offer, so a consumer needs no second message");
        Assert.That(offers.Select(o => (o!.Origin, o.Destination, o.ReadyDate, o.DeliverBy, o.ContainerCount, o.WeightKg, o.HsCode)),
            Has.All.EqualTo((posted.Origin, posted.Destination, posted.ReadyDate, posted.DeliverBy, posted.ContainerCount,
                posted.WeightKg, posted.HsCode)));
    }

    [Test]
    public async Task Another_smes_offer_routes_are_not_visible()
    {
        var harness = RoutingApp.Factory.Services.GetRequiredService<ITestHarness>();
        var id = Guid.NewGuid();
        await harness.Bus.Publish(Posted(id));
        await WaitForRoutes(id, 1, RoutingApp.Client());
        var response = await RoutingApp.Client("sme", "org-b").GetAsync($"/api/cargo-offers/{id}/routes");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
