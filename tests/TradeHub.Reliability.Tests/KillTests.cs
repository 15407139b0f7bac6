using System.Collections.Concurrent;
using Dapper;
using Npgsql;
using TradeHub.Testing;

namespace TradeHub.Reliability.Tests;

/// <summary>
/// Nothing lost, nothing twice, under fire: a steady load while every service instance is killed (-9) in turn,
/// RabbitMQ and PostgreSQL restart once each, and the killed come back; then the invariants are read from the
/// databases and the broker. The shipper's webhook receiver must have been told of every offer's routes, and every
/// offer whose bid was awarded under fire is booked as exactly one shipment. TRADEHUB_CHAOS_SECONDS lengthens the load
/// (deploy/local/chaos.sh).
/// </summary>
[Order(2)]
public class KillTests
{
    private static readonly int LoadSeconds =
        int.TryParse(Environment.GetEnvironmentVariable("TRADEHUB_CHAOS_SECONDS"), out var s) ? s : 40;

    private static NpgsqlConnection Db(string service) =>
        new(TestDatabase.For(ReliabilitySystem.System.DatabaseName(service)));

    [Test]
    public async Task Killing_every_instance_and_restarting_the_servers_loses_nothing_and_doubles_nothing()
    {
        var system = ReliabilitySystem.System;
        using var shipper = await ReliabilitySystem.SignIn("chaos-sme", "sme");
        using var carrierA = await ReliabilitySystem.SignIn("chaos-rail-a", "carrier");
        using var carrierB = await ReliabilitySystem.SignIn("chaos-rail-b", "carrier");
        await using var receiver = await WebhookReceiver.Started();
        await shipper.PostOk("/api/webhooks", new { url = receiver.Url, events = new[] { "routes.changed" } });

        // Capacity along the route, so offers under load are matched too.
        var first = await shipper.PostOk("/api/cargo-offers", ReliabilitySystem.CargoOffer());
        var routes = await shipper.Eventually($"/api/cargo-offers/{first["id"]}/routes",
            r => r["status"]!.GetValue<string>() == "ready" && r["routes"]!.AsArray().Count > 0, TimeSpan.FromSeconds(60));
        var lanes = RouteLanes.Split(routes["routes"]![0]!["legs"]!.AsArray());
        for (var i = 0; i < lanes.Count; i++)
            await (i == 0 ? carrierA : carrierB).PostOk("/api/capacity-offers", new
            {
                from = lanes[i].From, to = lanes[i].To, mode = lanes[i].Mode, departureFrom = ReliabilitySystem.Day(2),
                departureTo = ReliabilitySystem.Day(40), containers = new { count = 400, type = "40HC" },
                pricePerContainer = new { amount = 1200, currency = "USD" }, transitDays = 6,
            });

        var accepted = new ConcurrentBag<string> { first["id"]!.GetValue<string>() };
        var awarded = new ConcurrentBag<string>();
        var abandoned = 0;
        var posted = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(LoadSeconds));
        var load = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var id = await ReliabilitySystem.PostUntilAccepted(shipper, ReliabilitySystem.CargoOffer(), TimeSpan.FromSeconds(90));
                if (id is null) Interlocked.Increment(ref abandoned);
                else
                {
                    accepted.Add(id);
                    // Every fourth offer is awarded to a bid: Shipments books it, through kills and restarts.
                    if (Interlocked.Increment(ref posted) % 4 == 0)
                    {
                        if (await ReliabilitySystem.BidAndAward(carrierA, shipper, id, TimeSpan.FromSeconds(90))) awarded.Add(id);
                        else Interlocked.Increment(ref abandoned);
                    }
                }
                await Task.Delay(100);
            }
        })).ToArray();

        // The fire: each instance killed in turn and brought back, the broker and the database restarted once.
        string[] victims = ["listings", "routing", "matching", "shipments", "webhooks", "tenders", "pools", "listings#2", "routing#2", "matching#2", "shipments#2", "webhooks#2", "tenders#2", "pools#2"];
        var step = TimeSpan.FromSeconds(Math.Max(2, LoadSeconds / 10.0));
        foreach (var (victim, i) in victims.Select((v, i) => (v, i)))
        {
            await Task.Delay(step);
            system.Kill(victim);
            TestContext.Progress.WriteLine($"{DateTime.UtcNow:HH:mm:ss} killed {victim}");
            await Task.Delay(TimeSpan.FromSeconds(1));
            system.StartService(victim);
            if (i == 4)
            {
                await Servers.Stop("rabbitmq");
                TestContext.Progress.WriteLine($"{DateTime.UtcNow:HH:mm:ss} rabbitmq stopped");
                await Servers.Start("rabbitmq");
            }
            if (i == 6)
            {
                await Servers.Stop("postgres");
                TestContext.Progress.WriteLine($"{DateTime.UtcNow:HH:mm:ss} postgres stopped");
                await Task.Delay(TimeSpan.FromSeconds(1));
                await Servers.Start("postgres");
            }
        }
        await Task.WhenAll(load);
        foreach (var instance in system.Instances) await system.WaitReady(instance, TimeSpan.FromSeconds(120));

        // Settle: every outbox drains and every accepted offer has its routes in Routing and in Matching.
        var ids = accepted.Select(Guid.Parse).ToArray();
        var deadline = DateTime.UtcNow.AddSeconds(180);
        var awardedIds = awarded.Select(Guid.Parse).ToArray();
        long backlog = -1, unrouted = -1, unprojected = -1, unbooked = -1, uncopied = -1;
        while (DateTime.UtcNow < deadline)
        {
            backlog = 0;
            foreach (var service in RunningSystem.Services)
            {
                await using var db = Db(service);
                backlog += await db.ExecuteScalarAsync<long>("SELECT count(*) FROM outbox");
            }
            await using (var routing = Db("routing"))
                unrouted = await routing.ExecuteScalarAsync<long>(
                    "SELECT count(*) FROM unnest(@ids) AS i(id) WHERE NOT EXISTS (SELECT 1 FROM cargo_offers c WHERE c.id = i.id AND c.version > 0)", new { ids });
            await using (var matching = Db("matching"))
                unprojected = await matching.ExecuteScalarAsync<long>(
                    "SELECT count(*) FROM unnest(@ids) AS i(id) WHERE NOT EXISTS (SELECT 1 FROM cargo_routes r WHERE r.cargo_offer_id = i.id)", new { ids });
            await using (var shipments = Db("shipments"))
                unbooked = await shipments.ExecuteScalarAsync<long>(
                    "SELECT count(*) FROM unnest(@awardedIds) AS i(id) WHERE NOT EXISTS (SELECT 1 FROM shipments s WHERE s.cargo_offer_id = i.id)",
                    new { awardedIds });
            await using (var pools = Db("pools"))
                uncopied = await pools.ExecuteScalarAsync<long>(
                    "SELECT count(*) FROM unnest(@ids) AS i(id) WHERE NOT EXISTS (SELECT 1 FROM cargo_offers c WHERE c.id = i.id)", new { ids });
            if (backlog == 0 && unrouted == 0 && unprojected == 0 && unbooked == 0 && uncopied == 0) break;
            await Task.Delay(1000);
        }

        // Every offer's routes reached the shipper's webhook endpoint (leases of killed Webhooks instances run out
        // first, so this may take a minute more).
        var offers = accepted.ToHashSet();
        HashSet<string> told = [];
        deadline = DateTime.UtcNow.AddSeconds(180);
        while (DateTime.UtcNow < deadline)
        {
            told = receiver.Requests.Where(r => r.Answered == 200)
                .Select(r => System.Text.Json.Nodes.JsonNode.Parse(r.Body)!["data"]!["cargoOfferId"]!.GetValue<string>())
                .ToHashSet();
            if (offers.IsSubsetOf(told)) break;
            await Task.Delay(1000);
        }
        var untold = offers.Count(o => !told.Contains(o));
        var webhookIds = receiver.Requests.Where(r => r.Answered == 200).Select(r => r.Id).ToList();

        await using var listings = Db("listings");
        var rows = await listings.QueryAsync<Guid>("SELECT id FROM cargo_offers WHERE owner_org = 'chaos-sme'");
        var stored = rows.ToList();
        var found = ids.Count(stored.Contains);
        var lost = ids.Length - found;
        var duplicated = stored.Count - stored.Distinct().Count() + stored.Count(id => !ids.Contains(id));
        await using var matchingDb = Db("matching");
        var doubleProposals = await matchingDb.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM (SELECT offer_key FROM matches GROUP BY offer_key HAVING count(*) > 1) d");
        var sameOffersTwice = await matchingDb.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM (SELECT offer_ids FROM matches GROUP BY offer_ids HAVING count(*) > 1) d");
        var negativeCapacity = await listings.ExecuteScalarAsync<long>("SELECT count(*) FROM capacity_offers WHERE containers_left < 0")
            + await matchingDb.ExecuteScalarAsync<long>("SELECT count(*) FROM capacity_offers WHERE containers < 0");
        await using var shipmentsDb = Db("shipments");
        var bookedTwice = await shipmentsDb.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM (SELECT cargo_offer_id FROM shipments GROUP BY cargo_offer_id HAVING count(*) > 1) d");
        var errorQueues = (await TestBroker.Queues(system.VirtualHost))
            .Where(q => q.Key.EndsWith("_error", StringComparison.Ordinal) && q.Value > 0)
            .ToDictionary(q => q.Key, q => q.Value);

        foreach (var queue in errorQueues.Keys)
            TestContext.Progress.WriteLine($"{queue}: {await TestBroker.FirstFault(system.VirtualHost, queue)}");
        TestContext.Progress.WriteLine(
            $"posted {ids.Length} (abandoned {abandoned}), found {found}, lost {lost}, duplicated {duplicated}; " +
            $"outbox backlog {backlog}, unrouted {unrouted}, not in matching {unprojected}, not in pools {uncopied}; " +
            $"proposals twice {sameOffersTwice}; " +
            $"awarded {awardedIds.Length}, not booked {unbooked}, booked twice {bookedTwice}; " +
            $"error queues {string.Join(", ", errorQueues.Select(q => $"{q.Key}={q.Value}"))}; " +
            $"webhooks {webhookIds.Count} delivered ({webhookIds.Distinct().Count()} distinct), offers untold {untold}");

        Assert.Multiple(() =>
        {
            Assert.That(ids, Has.Length.GreaterThan(10), "the load got through");
            Assert.That(abandoned, Is.Zero, "every post was eventually accepted");
            Assert.That(lost, Is.Zero, "every accepted offer exists");
            Assert.That(duplicated, Is.Zero, "no offer exists twice");
            Assert.That(backlog, Is.Zero, "outboxes drained");
            Assert.That(unrouted, Is.Zero, "every offer has its current route set in Routing");
            Assert.That(unprojected, Is.Zero, "every offer's routes reached Matching");
            Assert.That(uncopied, Is.Zero, "every offer reached Pools' copy (a pool's join reads it)");
            Assert.That(doubleProposals + sameOffersTwice, Is.Zero, "no match proposed twice for the same offers");
            Assert.That(negativeCapacity, Is.Zero, "capacity never goes negative");
            Assert.That(errorQueues, Is.Empty, "nothing was poisoned here, so no error queue holds a message");
            Assert.That(untold, Is.Zero, "every offer's routes.changed reached the webhook endpoint");
            Assert.That(awardedIds, Is.Not.Empty, "bids were awarded under fire");
            Assert.That(unbooked, Is.Zero, "every awarded offer is booked");
            Assert.That(bookedTwice, Is.Zero, "no offer is booked twice");
        });
    }
}
