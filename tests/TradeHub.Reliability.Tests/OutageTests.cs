using System.Diagnostics;
using TradeHub.Testing;

namespace TradeHub.Reliability.Tests;

/// <summary>A server goes away: the API says so at once, and everything recovers by itself when it returns.</summary>
[Order(1)]
public class OutageTests
{
    [Test]
    public async Task With_postgresql_stopped_the_api_answers_503_at_once_and_recovers_by_itself()
    {
        using var sme = await ReliabilitySystem.SignIn("outage-sme", "sme");
        await sme.GetOk("/api/cargo-offers?limit=1");

        await Servers.Stop("postgres");
        try
        {
            var clock = Stopwatch.StartNew();
            using var read = await sme.Http.GetAsync("/api/cargo-offers?limit=1");
            var readTime = clock.Elapsed;
            clock.Restart();
            using var write = await sme.Post("/api/cargo-offers", ReliabilitySystem.CargoOffer());
            var writeTime = clock.Elapsed;
            TestContext.Progress.WriteLine($"database down: read {(int)read.StatusCode} in {readTime.TotalMilliseconds:0} ms, write {(int)write.StatusCode} in {writeTime.TotalMilliseconds:0} ms");

            Assert.That((int)read.StatusCode, Is.EqualTo(503));
            Assert.That((int)write.StatusCode, Is.EqualTo(503));
            Assert.That(read.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            // Not a timing benchmark: a bound that only a hang breaks (the answer takes milliseconds; see the output).
            Assert.That(readTime, Is.LessThan(TimeSpan.FromSeconds(5)), "a stopped database is a quick 503, not a hang");
        }
        finally
        {
            await Servers.Start("postgres");
        }

        var recovered = await sme.Eventually("/api/cargo-offers?limit=1", _ => true, TimeSpan.FromSeconds(60));
        Assert.That(recovered["items"], Is.Not.Null);
        var posted = await sme.PostOk("/api/cargo-offers", ReliabilitySystem.CargoOffer());
        await sme.Eventually($"/api/cargo-offers/{posted["id"]}/routes", r => r["status"]!.GetValue<string>() == "ready",
            TimeSpan.FromSeconds(60));
    }

    [Test]
    public async Task With_rabbitmq_stopped_writes_still_succeed_and_are_delivered_when_it_returns()
    {
        using var sme = await ReliabilitySystem.SignIn("outage-sme", "sme");
        await Servers.Stop("rabbitmq");
        string id;
        try
        {
            var posted = await sme.PostOk("/api/cargo-offers", ReliabilitySystem.CargoOffer("CNXIY", "KZALA"));
            id = posted["id"]!.GetValue<string>();
            var routes = await sme.GetOk($"/api/cargo-offers/{id}/routes");
            Assert.That(routes["status"]!.GetValue<string>(), Is.EqualTo("pending"), "nothing can travel while the broker is down");
        }
        finally
        {
            await Servers.Start("rabbitmq");
        }

        var delivered = await sme.Eventually($"/api/cargo-offers/{id}/routes",
            r => r["status"]!.GetValue<string>() == "ready", TimeSpan.FromSeconds(120));
        Assert.That(delivered["routes"]!.AsArray(), Is.Not.Empty, "the outbox held the event and delivered it after the broker returned");
    }

    [Test]
    public async Task An_instance_whose_bus_cannot_start_ends_itself_and_is_started_again_until_it_can()
    {
        // A third Pools instance, started while the broker is down, with a watchdog limit short enough for a test.
        var system = ReliabilitySystem.System;
        const string instance = "pools#3";
        system.Settings[instance] = new() { ["Bus__RestartAfterSeconds"] = "3" };
        await Servers.Stop("rabbitmq");
        try
        {
            system.StartService(instance);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!system.Output(instance).Contains("ended with exit code 75; started again") && DateTime.UtcNow < deadline)
                await Task.Delay(200);
            Assert.That(system.Output(instance), Does.Contain("ended with exit code 75; started again"),
                "a bus unhealthy past the limit ends the process with the restart code, and the supervisor starts it again");
        }
        finally
        {
            await Servers.Start("rabbitmq");
        }

        try
        {
            await system.WaitReady(instance, TimeSpan.FromSeconds(120));
        }
        finally
        {
            system.Stop(instance);
        }
    }
}
