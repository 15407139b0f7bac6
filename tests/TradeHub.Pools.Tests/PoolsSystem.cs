using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TradeHub.Testing;

namespace TradeHub.Pools.Tests;

/// <summary>The whole system once for the Pools tests (real processes, PostgreSQL, RabbitMQ), sweeping cut-offs often.</summary>
[SetUpFixture]
public sealed class PoolsSystem
{
    public static RunningSystem System { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        System = new RunningSystem("tradehub_pools_test", basePort: 18480);
        System.Settings["pools"] = new Dictionary<string, string> { ["Pools__SweepInterval"] = "00:00:00.300" };
        await System.Start();
    }

    [OneTimeTearDown]
    public async Task Stop() => await System.DisposeAsync();

    public static Task<ApiClient> SignIn(string organisation, string role = "sme") =>
        ApiClient.SignIn(System.GatewayUrl, organisation, role);

    /// <summary>A unique organisation per test, so tests never see each other's pools or events.</summary>
    public static string Org(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..8]}";
}

public static class PoolApi
{
    public static readonly DateOnly Departure = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(20);

    /// <summary>Opens a pool Tianjin to Tashkent (or another lane) closing after <paramref name="cutoffIn"/>.</summary>
    public static async Task<string> OpenPool(this ApiClient carrier, TimeSpan cutoffIn, int min = 2, int max = 10,
        string type = "40HC", string to = "UZTAS", bool acceptsHazardous = false)
    {
        var created = await carrier.PostOk("/api/pools", new
        {
            from = "CNTSN", to, departureDate = Departure, cutoff = DateTimeOffset.UtcNow + cutoffIn,
            minContainers = min, maxContainers = max, containerType = type,
            pricePerContainerAtMin = new { amount = 3000m, currency = "USD" },
            pricePerContainerAtMax = new { amount = 2000m, currency = "USD" }, acceptsHazardous,
        });
        return created["id"]!.GetValue<string>();
    }

    public static Task<HttpResponseMessage> JoinLoose(this ApiClient sme, string pool, decimal kg, decimal m3, bool hazardous = false) =>
        sme.Post($"/api/pools/{pool}/members", new { weightKg = kg, volumeM3 = m3, hsCode = "620342", description = "garments", hazardous });

    /// <summary>Posts a cargo offer on the lane and joins the pool with it once Pools has its copy; returns the member.</summary>
    public static async Task<JsonNode> JoinWithOffer(this ApiClient sme, string pool, int containers, string to = "UZTAS",
        string type = "40HC", decimal kgPerContainer = 15_000m)
    {
        var offer = await sme.PostOffer(containers, to, type, kgPerContainer);
        return await sme.JoinWith(pool, offer);
    }

    /// <summary>Joins the pool with a posted cargo offer once Pools has its copy; returns the member.</summary>
    public static async Task<JsonNode> JoinWith(this ApiClient sme, string pool, string offer)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var answer = await sme.Post($"/api/pools/{pool}/members", new { cargoOfferId = offer });
            var text = await answer.Content.ReadAsStringAsync();
            if ((int)answer.StatusCode == 201) return JsonNode.Parse(text)!;
            // 404 until Pools has read the CargoOfferPosted event.
            if ((int)answer.StatusCode != 404 || DateTime.UtcNow > deadline)
                Assert.Fail($"join with offer {offer} -> {(int)answer.StatusCode}: {text}");
            await Task.Delay(200);
        }
    }

    public static async Task<string> PostOffer(this ApiClient sme, int containers, string to = "UZTAS", string type = "40HC",
        decimal kgPerContainer = 15_000m)
    {
        var created = await sme.PostOk("/api/cargo-offers", new
        {
            origin = "CNTSN", destination = to, readyDate = Departure.AddDays(-5), deliverBy = Departure.AddDays(25),
            containers = new { count = containers, type }, weightKg = containers * kgPerContainer, hsCode = "847130",
        });
        return created["id"]!.GetValue<string>();
    }

    public static async Task<(int Status, JsonNode? Body)> Send(this ApiClient client, HttpResponseMessage answer)
    {
        var text = await answer.Content.ReadAsStringAsync();
        return ((int)answer.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public static Task<HttpResponseMessage> PostJson(this ApiClient client, string path, object body) => client.Http.PostAsJsonAsync(path, body);
}

/// <summary>The organisation's live events (/api/events), read in the background while a test runs.</summary>
public sealed class LiveEvents : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(string Type, JsonNode Data)> _events = [];
    private readonly Task _reading;
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LiveEvents(ApiClient client) => _reading = Read(client);

    public static async Task<LiveEvents> Listen(ApiClient client)
    {
        var events = new LiveEvents(client);
        await events._connected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return events;
    }

    private async Task Read(ApiClient client)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/events");
            using var answer = await client.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
            answer.EnsureSuccessStatusCode();
            _connected.TrySetResult();
            using var reader = new StreamReader(await answer.Content.ReadAsStreamAsync(_stop.Token));
            string? type = null;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.StartsWith("event:", StringComparison.Ordinal)) type = line[6..].Trim();
                else if (line.StartsWith("data:", StringComparison.Ordinal) && type is not null)
                    lock (_events) _events.Add((type, JsonNode.Parse(line[5..].Trim())!));
                else if (line.Length == 0) type = null;
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception e) { _connected.TrySetException(e); }
    }

    /// <summary>Waits for an event of the type whose data meets the condition.</summary>
    public async Task<JsonNode> Next(string type, Func<JsonNode, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            lock (_events)
                foreach (var (t, data) in _events)
                    if (t == type && condition(data)) return data;
            await Task.Delay(100);
        }
        lock (_events)
            throw new TimeoutException($"No {type} event met the condition; saw: {string.Join(", ", _events.Select(e => e.Type))}");
    }

    /// <summary>The data of every event of the type read so far.</summary>
    public IReadOnlyList<JsonNode> All(string type)
    {
        lock (_events) return _events.Where(e => e.Type == type).Select(e => e.Data).ToArray();
    }

    public IReadOnlyList<string> Types()
    {
        lock (_events) return _events.Select(e => e.Type).ToArray();
    }

    /// <summary>Every event read so far, as its JSON text, prefixed by its type.</summary>
    public IReadOnlyList<string> Texts()
    {
        lock (_events) return _events.Select(e => $"{e.Type} {e.Data.ToJsonString()}").ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _reading; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
