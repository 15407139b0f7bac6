using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using StandardWebhooks;
using TradeHub.Testing;

namespace TradeHub.Webhooks.Tests;

/// <summary>
/// A webhook tells an organisation what /api/events tells it, in the same shape: for every event both carry, the
/// webhook's <c>data</c> is the live event's <c>data</c>, and the webhook-id names the same event as the live event's id.
/// </summary>
public sealed class EventShapeTests
{
    private static string Day(int fromToday) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(fromToday).ToString("yyyy-MM-dd");

    [Test]
    public async Task Each_webhook_carries_the_same_data_as_the_live_event_of_the_same_id_match_expired_included()
    {
        await using var hook = await WebhookReceiver.Started();
        using var shipper = await WebhooksSystem.SignIn(WebhooksSystem.Org("shape-shipper"));
        using var firstCarrier = await WebhooksSystem.SignIn(WebhooksSystem.Org("shape-rail"), "carrier");
        using var secondCarrier = await WebhooksSystem.SignIn(WebhooksSystem.Org("shape-road"), "carrier");
        var (_, secret) = await shipper.Subscribe(hook.Url);
        await using var live = await LiveEvents.Open(shipper);

        // A bid placed and awarded on one cargo offer; on another, capacity chains into a proposal nobody decides,
        // which expires (the test system's proposal lifetime is seconds, not days).
        var awarded = await PostCargo(shipper, "Cotton yarn");
        var bid = await firstCarrier.PostOk($"/api/cargo-offers/{awarded}/bids", new
        {
            price = new { amount = 4300, currency = "USD" }, transitDays = 12, validUntil = Day(20),
        });
        await shipper.PostOk($"/api/cargo-offers/{awarded}/bids/{bid["id"]!.GetValue<string>()}/award", new { });

        var matched = await PostCargo(shipper, "Cotton fabric");
        var routes = await shipper.Eventually($"/api/cargo-offers/{matched}/routes",
            r => r["status"]!.GetValue<string>() == "ready" && r["routes"]!.AsArray().Count > 0);
        var lanes = RouteLanes.Split(routes["routes"]![0]!["legs"]!.AsArray());
        var carriers = new[] { firstCarrier, secondCarrier };
        for (var i = 0; i < lanes.Count; i++)
        {
            await carriers[Math.Min(i, 1)].PostOk("/api/capacity-offers", new
            {
                from = lanes[i].From, to = lanes[i].To, mode = lanes[i].Mode, departureFrom = Day(3), departureTo = Day(30),
                containers = new { count = 10, type = "40HC" }, pricePerContainer = new { amount = 1500, currency = "USD" },
                transitDays = 6,
            });
        }

        string[] types = ["routes.changed", "bid.placed", "bid.awarded", "match.proposed", "match.expired"];
        var delivered = await hook.Eventually(r => types.All(t => r.Any(x => TypeOf(x.Body) == t)),
            string.Join(", ", types), TimeSpan.FromSeconds(120));
        var told = await live.Eventually(e => delivered.All(d => e.ContainsKey(d.Id)), "every delivered event live too");

        Assert.That(delivered.Select(d => TypeOf(d.Body)).Distinct(), Is.SupersetOf(types));
        foreach (var webhook in delivered.DistinctBy(d => d.Id))
        {
            Assert.DoesNotThrow(() => new StandardWebhook(secret).Verify(webhook.Body, webhook.Headers()));
            var body = JsonNode.Parse(webhook.Body)!;
            var liveEvent = told[webhook.Id];
            Assert.That(liveEvent.Type, Is.EqualTo(body["type"]!.GetValue<string>()), webhook.Id);
            Assert.That(JsonNode.DeepEquals(body["data"], liveEvent.Data), Is.True,
                $"{liveEvent.Type} {webhook.Id}:\n webhook {body["data"]!.ToJsonString()}\n live    {liveEvent.Data!.ToJsonString()}");
        }
        var expired = JsonNode.Parse(delivered.First(d => TypeOf(d.Body) == "match.expired").Body)!["data"]!;
        Assert.That(expired["status"]!.GetValue<string>(), Is.EqualTo("expired"));
        Assert.That(expired["reason"]!.GetValue<string>(), Does.StartWith("no decision within"));
    }

    private static string TypeOf(string body) => JsonNode.Parse(body)!["type"]!.GetValue<string>();

    private static async Task<string> PostCargo(ApiClient shipper, string description)
    {
        var offer = await shipper.PostOk("/api/cargo-offers", new
        {
            origin = "CNTSN", destination = "UZTAS", readyDate = Day(3), deliverBy = Day(45),
            containers = new { count = 1, type = "40HC" }, weightKg = 18000, hsCode = "520100", description,
        });
        return offer["id"]!.GetValue<string>();
    }
}

/// <summary>
/// GET /api/events of one organisation read in the background, each event kept under its webhook-id
/// (<c>msg_</c> and the event's id in hex, as the Webhooks service names the same event).
/// </summary>
public sealed class LiveEvents : IAsyncDisposable
{
    public sealed record Event(string Type, JsonNode? Data);

    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, Event> _events = new();
    private Task _reading = Task.CompletedTask;

    private LiveEvents(HttpClient http) => _http = http;

    public static async Task<LiveEvents> Open(ApiClient client)
    {
        var http = new HttpClient { BaseAddress = client.Http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = client.Http.DefaultRequestHeaders.Authorization;
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var events = new LiveEvents(http);
        var response = await http.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, events._stop.Token);
        response.EnsureSuccessStatusCode();
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(events._stop.Token));
        // The stream opens with a retry hint once its subscription is in place: events after it are not missed.
        var first = await reader.ReadLineAsync(events._stop.Token);
        Assert.That(first, Does.StartWith("retry:"));
        events._reading = Task.Run(() => events.Read(response, reader));
        return events;
    }

    private async Task Read(HttpResponseMessage response, StreamReader reader)
    {
        using var _ = response;
        using var __ = reader;
        string? id = null, type = null, data = null;
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (id is not null && type is not null && data is not null)
                        _events[$"msg_{Guid.Parse(id):N}"] = new Event(type, JsonNode.Parse(data));
                    id = type = data = null;
                }
                else if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
                else if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    public async Task<IReadOnlyDictionary<string, Event>> Eventually(Func<IReadOnlyDictionary<string, Event>, bool> condition,
        string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var seen = new Dictionary<string, Event>(_events);
            if (condition(seen)) return seen;
            await Task.Delay(100);
        }
        throw new TimeoutException($"/api/events never showed {what}; it showed {string.Join(", ", _events.Select(e => $"{e.Value.Type} {e.Key}"))}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _reading; } catch (IOException) { }
        _http.Dispose();
        _stop.Dispose();
    }
}
