using System.Net;
using System.Text.Json;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using TradeHub.Hosting.Auth;
using TradeHub.Listings.Contracts;
using TradeHub.Matching.Contracts;
using TradeHub.Routing.Contracts;
using TradeHub.Webhooks.Contracts;

namespace TradeHub.Gateway.Tests;

/// <summary>Events published on the (in-memory) bus reach the live streams of the organisations they concern.</summary>
public sealed class EventTests
{
    private GatewayFactory _gateway = null!;
    private ITestHarness _harness = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        var down = FakeService.DownAddress();
        var settings = GatewayFactory.Settings(down, down, down);
        settings["Events:Heartbeat"] = "00:00:00.200";
        _gateway = new GatewayFactory(settings);
        _gateway.CreateClient().Dispose();
        _harness = _gateway.Services.GetTestHarness();
        await _harness.Start();
    }

    [OneTimeTearDown]
    public async Task Stop() => await _gateway.DisposeAsync();

    [Test]
    public async Task A_client_sees_its_own_match_and_not_another_organisations()
    {
        await using var stream = await EventStream.Open(_gateway, "tianjin-textiles", Roles.Sme);

        var other = await Publish(Proposed("minsk-tractors", "khorgos-rail"));
        var own = await Publish(Proposed("tianjin-textiles", "khorgos-rail"));

        var received = await stream.Next();
        Assert.Multiple(() =>
        {
            Assert.That(received.Type, Is.EqualTo("match.proposed"));
            Assert.That(received.Id, Is.EqualTo(own.MessageId.ToString()));
            Assert.That(received.Data.GetProperty("id").GetGuid(), Is.EqualTo(own.Match.MatchId));
            Assert.That(received.Data.GetProperty("status").GetString(), Is.EqualTo("proposed"));
            Assert.That(received.Id, Is.Not.EqualTo(other.MessageId.ToString()));
        });
    }

    [Test]
    public async Task A_reconnecting_client_gets_what_it_missed_after_its_last_event_id()
    {
        var org = "replay-" + Guid.NewGuid().ToString("N")[..8];
        var first = await Publish(Proposed(org, "carrier-x"));
        var second = await Publish(Proposed(org, "carrier-x"));
        var third = await Publish(Proposed(org, "carrier-y"));

        await using var stream = await EventStream.Open(_gateway, org, Roles.Sme, lastEventId: first.MessageId.ToString());
        var a = await stream.Next();
        var b = await stream.Next();
        Assert.Multiple(() =>
        {
            Assert.That(a.Id, Is.EqualTo(second.MessageId.ToString()));
            Assert.That(b.Id, Is.EqualTo(third.MessageId.ToString()));
        });
    }

    [Test]
    public async Task Bids_reach_the_carrier_and_the_cargo_owner()
    {
        await using var owner = await EventStream.Open(_gateway, "owner-org", Roles.Sme);
        await using var carrier = await EventStream.Open(_gateway, "bidding-carrier", Roles.Carrier);
        var bid = new BidPlaced
        {
            BidId = NewId.NextGuid(), CargoOfferId = NewId.NextGuid(), CarrierOrg = "bidding-carrier",
            CargoOwnerOrg = "owner-org", PriceAmount = 2350m, PriceCurrency = "USD", TransitDays = 14,
            ValidUntil = new DateOnly(2026, 12, 31), PlacedAt = DateTimeOffset.UtcNow,
        };
        await _harness.Bus.Publish(bid);

        var seenByOwner = await owner.Next();
        var seenByCarrier = await carrier.Next();
        Assert.Multiple(() =>
        {
            Assert.That(seenByOwner.Type, Is.EqualTo("bid.placed"));
            Assert.That(seenByCarrier.Type, Is.EqualTo("bid.placed"));
            Assert.That(seenByOwner.Data.GetProperty("price").GetProperty("amount").GetDecimal(), Is.EqualTo(2350m));
        });
    }

    [Test]
    public async Task Computed_routes_reach_the_cargo_owner_as_routes_changed()
    {
        await using var owner = await EventStream.Open(_gateway, "routes-owner", Roles.Sme);
        await _harness.Bus.Publish(new CargoRoutesComputed
        {
            CargoOfferId = NewId.NextGuid(), OwnerOrg = "routes-owner", Version = 2, Reason = "disruption",
            ComputedAt = DateTimeOffset.UtcNow,
            Routes = [new RouteOption
            {
                RouteId = "r1", TotalHours = 300, TotalDistanceKm = 4500, CostUsd = 5200m, Co2Kg = 900,
                BorderCrossings = 1, GaugeChanges = 1,
                Legs = [new RouteLeg
                {
                    LegId = "l1", From = "CNTSN", To = "UZTAS", Mode = "rail", DistanceKm = 4500, Hours = 300,
                    CostUsd = 5200m, Co2Kg = 900, BorderCrossing = true, GaugeChange = true,
                }],
            }],
        });
        var e = await owner.Next();
        Assert.Multiple(() =>
        {
            Assert.That(e.Type, Is.EqualTo("routes.changed"));
            Assert.That(e.Data.GetProperty("routes")[0].GetProperty("id").GetString(), Is.EqualTo("r1"));
        });
    }

    [Test]
    public async Task A_disabled_webhook_is_told_to_its_organisation_only()
    {
        await using var owner = await EventStream.Open(_gateway, "hooked-org", Roles.Carrier);
        await using var other = await EventStream.Open(_gateway, "other-hooked-org", Roles.Carrier);
        WebhookDisabled Disabled(string org) => new()
        {
            WebhookId = NewId.NextGuid(), Org = org, Url = "https://erp.example.org/hooks", Reason = "gone",
            LastStatusCode = 410, DisabledAt = DateTimeOffset.UtcNow,
        };
        var owners = Disabled("hooked-org");
        var others = Disabled("other-hooked-org");
        await _harness.Bus.Publish(owners);
        await _harness.Bus.Publish(others);

        var e = await owner.Next();
        Assert.Multiple(() =>
        {
            Assert.That(e.Type, Is.EqualTo("webhook.disabled"));
            Assert.That(e.Data.GetProperty("webhookId").GetGuid(), Is.EqualTo(owners.WebhookId));
            Assert.That(e.Data.GetProperty("reason").GetString(), Is.EqualTo("gone"));
        });
        Assert.That((await other.Next()).Data.GetProperty("webhookId").GetGuid(), Is.EqualTo(others.WebhookId),
            "the other organisation's first event is its own");
    }

    [Test]
    public async Task An_idle_stream_carries_heartbeats()
    {
        await using var stream = await EventStream.Open(_gateway, "quiet-org", Roles.Sme);
        Assert.That(await stream.NextComment(), Does.Contain("heartbeat"));
    }

    [Test]
    public async Task The_stream_needs_a_token()
    {
        using var client = _gateway.CreateClient();
        using var response = await client.GetAsync("/api/events");
        await ProblemAssert.IsProblem(response, 401);
    }

    [Test]
    public async Task A_token_in_the_query_string_is_refused()
    {
        using var client = _gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get,
            "/api/events?access_token=" + Tokens.For("browser-org", Roles.Sme));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        // The status first: an accepted stream never ends, so its body must not be read.
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        await ProblemAssert.IsProblem(response, 401);
    }

    [Test]
    public async Task An_organisations_streams_beyond_its_cap_get_429_with_retry_after()
    {
        var org = "crowded-" + Guid.NewGuid().ToString("N")[..8];
        var streams = new List<EventStream>();
        try
        {
            // Forty users of one organisation, one stream each: all accepted (the default cap is 40).
            for (var i = 0; i < 40; i++)
                streams.Add(await EventStream.Open(_gateway, org, Roles.Sme, subject: $"user-{i}"));
            using var client = _gateway.CreateClient();
            client.DefaultRequestHeaders.Authorization =
                new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Tokens.For(org, Roles.Sme, "user-40"));
            using var response = await client.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "the 41st stream");
            await ProblemAssert.IsProblem(response, 429);
            Assert.That(response.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));

            // Closing one frees a place.
            await streams[0].DisposeAsync();
            streams.RemoveAt(0);
            streams.Add(await Eventually(() => EventStream.TryOpen(_gateway, org, Roles.Sme, subject: "user-40")));
        }
        finally
        {
            foreach (var stream in streams) await stream.DisposeAsync();
        }
    }

    [Test]
    public async Task One_users_streams_beyond_the_user_cap_get_429_while_a_colleague_still_connects()
    {
        var org = "busy-user-" + Guid.NewGuid().ToString("N")[..8];
        var streams = new List<EventStream>();
        try
        {
            for (var i = 0; i < 10; i++) streams.Add(await EventStream.Open(_gateway, org, Roles.Sme));
            using var client = _gateway.ClientAs(org, Roles.Sme);
            using var response = await client.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "the 11th stream of one user");
            await ProblemAssert.IsProblem(response, 429);
            streams.Add(await EventStream.Open(_gateway, org, Roles.Sme, subject: "colleague"));
        }
        finally
        {
            foreach (var stream in streams) await stream.DisposeAsync();
        }
    }

    /// <summary>A closed stream leaves the hub when the server notices the client went, which takes a moment.</summary>
    private static async Task<EventStream> Eventually(Func<Task<EventStream?>> open)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await open() is { } stream) return stream;
            await Task.Delay(50);
        }
        Assert.Fail("the stream was never accepted");
        return null!;
    }

    private async Task<(Guid MessageId, MatchProposed Match)> Publish(MatchProposed match)
    {
        var messageId = NewId.NextGuid();
        await _harness.Bus.Publish(match, c => c.MessageId = messageId);
        Assert.That(await _harness.Consumed.Any<MatchProposed>(m => m.Context.MessageId == messageId), Is.True);
        return (messageId, match);
    }

    private static MatchProposed Proposed(params string[] parties) => new()
    {
        MatchId = NewId.NextGuid(), Kind = "cargo-capacity", OfferIds = [NewId.NextGuid(), NewId.NextGuid()],
        PartyOrgs = parties, Score = 0.8, Explanation = ["lane covers Tianjin to Khorgos"],
        ProposedAt = DateTimeOffset.UtcNow,
    };
}

/// <summary>A test client of /api/events that reads one event (or comment) at a time.</summary>
public sealed class EventStream : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(20));

    private EventStream(HttpClient client, HttpResponseMessage response, StreamReader reader)
    {
        _client = client;
        _response = response;
        _reader = reader;
    }

    public sealed record Event(string Id, string Type, JsonElement Data);

    public static async Task<EventStream> Open(GatewayFactory gateway, string org, string role,
        string? lastEventId = null, string? subject = null) =>
        await TryOpen(gateway, org, role, lastEventId, subject, expectOk: true) ?? throw new InvalidOperationException();

    /// <summary>Null if the gateway refused the stream (unless expectOk, which asserts a 200).</summary>
    public static async Task<EventStream?> TryOpen(GatewayFactory gateway, string org, string role,
        string? lastEventId = null, string? subject = null, bool expectOk = false)
    {
        var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization =
            new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Tokens.For(org, role, subject));
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/events");
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (expectOk) Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            response.Dispose();
            client.Dispose();
            return null;
        }
        var stream = new EventStream(client, response, new StreamReader(await response.Content.ReadAsStreamAsync()));
        // The stream opens with a retry hint once the subscription is in place.
        Assert.That(await stream.ReadLine(), Does.StartWith("retry:"));
        return stream;
    }

    public async Task<Event> Next()
    {
        string? id = null, type = null, data = null;
        while (await ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null) return new Event(id!, type!, JsonDocument.Parse(data).RootElement.Clone());
                continue;
            }
            if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
            else if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
        }
        throw new EndOfStreamException();
    }

    public async Task<string> NextComment()
    {
        while (await ReadLine() is { } line)
            if (line.StartsWith(':')) return line;
        throw new EndOfStreamException();
    }

    private async Task<string?> ReadLine() => await _reader.ReadLineAsync(_timeout.Token);

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        _client.Dispose();
        _timeout.Dispose();
        return ValueTask.CompletedTask;
    }
}
