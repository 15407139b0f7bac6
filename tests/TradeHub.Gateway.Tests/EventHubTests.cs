using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using TradeHub.Gateway.Events;

namespace TradeHub.Gateway.Tests;

/// <summary>The hub's memory: what it keeps per organisation, and for how long.</summary>
public sealed class EventHubTests
{
    private ServiceProvider _services = null!;

    [SetUp]
    public void Start() => _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [TearDown]
    public void Stop() => _services.Dispose();

    private EventHub Hub(TimeProvider clock, LiveEventsOptions? options = null) =>
        new(options ?? new LiveEventsOptions(), clock, _services.GetRequiredService<IMeterFactory>());

    [Test]
    public void Feeds_of_organisations_nobody_listens_to_are_let_go_once_their_events_are_older_than_the_replay_age()
    {
        var clock = new ManualClock();
        var hub = Hub(clock);
        for (var i = 0; i < 500; i++) hub.Publish([$"org-{i}"], "match.proposed", $"e{i}", "{}");
        Assert.That(hub.Feeds, Is.EqualTo(500));

        clock.Advance(TimeSpan.FromMinutes(11));
        hub.Publish(["org-new"], "match.proposed", "e-new", "{}");

        Assert.That(hub.Feeds, Is.EqualTo(1));
    }

    [Test]
    public void A_feed_with_a_client_or_recent_events_is_kept_and_still_replays()
    {
        var clock = new ManualClock();
        var hub = Hub(clock);
        using var listening = hub.Subscribe("listening-org", "user", null);
        hub.Publish(["listening-org", "quiet-org"], "match.proposed", "old", "{}");

        clock.Advance(TimeSpan.FromMinutes(11));
        hub.Publish(["recent-org"], "match.proposed", "r1", "{}");
        hub.Publish(["recent-org"], "match.proposed", "r2", "{}");
        using var late = hub.Subscribe("recent-org", "user", "r1");

        Assert.Multiple(() =>
        {
            Assert.That(hub.Feeds, Is.EqualTo(2), "the listening and the recent organisation");
            Assert.That(late!.Missed.Select(e => e.Id), Is.EqualTo(new[] { "r2" }));
            Assert.That(listening!.Reader.TryRead(out var e) ? e.Id : null, Is.EqualTo("old"));
        });
    }

    [Test]
    public void A_stream_beyond_the_organisations_cap_is_refused_until_one_leaves()
    {
        var hub = Hub(new ManualClock(), new LiveEventsOptions { MaxStreamsPerOrganisation = 3, MaxStreamsPerUser = 2 });
        var a = hub.Subscribe("org", "a", null);
        var b = hub.Subscribe("org", "b", null);
        var c = hub.Subscribe("org", "c", null);
        Assert.That(hub.Subscribe("org", "d", null), Is.Null);
        c!.Dispose();
        using var d = hub.Subscribe("org", "d", null);
        Assert.That(d, Is.Not.Null);
        a!.Dispose();
        b!.Dispose();
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }
}
