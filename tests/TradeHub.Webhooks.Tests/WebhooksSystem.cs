using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TradeHub.Testing;

namespace TradeHub.Webhooks.Tests;

/// <summary>
/// The whole system once for every Webhooks test (real processes, PostgreSQL, RabbitMQ), with retries, circuits,
/// the failing-for-too-long limit, the retention sweep and proposal expiry shortened from days or hours to seconds so the tests see them happen.
/// </summary>
[SetUpFixture]
public sealed class WebhooksSystem
{
    public static RunningSystem System { get; private set; } = null!;

    /// <summary>How long a subscription may fail before it is disabled, here.</summary>
    public static readonly TimeSpan DisableAfter = TimeSpan.FromSeconds(20);

    /// <summary>The time an endpoint has to answer, here.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public const int PerEndpointConcurrency = 4;

    /// <summary>How often finished deliveries past their retention (the default 30 days) are pruned, here.</summary>
    public static readonly TimeSpan RetentionSweepInterval = TimeSpan.FromSeconds(1);

    [OneTimeSetUp]
    public async Task Start()
    {
        System = new RunningSystem("tradehub_webhooks_test", basePort: 18380);
        System.Settings["webhooks"] = new Dictionary<string, string>
        {
            ["Webhooks__FirstRetryDelay"] = "00:00:00.300",
            ["Webhooks__MaxRetryDelay"] = "00:00:01",
            ["Webhooks__DisableAfter"] = DisableAfter.ToString(),
            ["Webhooks__Timeout"] = Timeout.ToString(),
            ["Webhooks__PerEndpointConcurrency"] = PerEndpointConcurrency.ToString(global::System.Globalization.CultureInfo.InvariantCulture),
            ["Webhooks__CircuitBreakDuration"] = "00:00:01",
            ["Webhooks__CircuitSamplingDuration"] = "00:00:05",
            ["Webhooks__PollInterval"] = "00:00:00.200",
            ["Webhooks__RetentionSweepInterval"] = RetentionSweepInterval.ToString(),
        };
        // Proposals nobody decides expire within seconds (the next expiry sweep), so match.expired is seen here.
        System.Settings["matching"] = new Dictionary<string, string> { ["Matching__ProposalLifetime"] = "00:00:05" };
        await System.Start();
    }

    [OneTimeTearDown]
    public async Task Stop() => await System.DisposeAsync();

    public static Task<ApiClient> SignIn(string organisation, string role = "sme") =>
        ApiClient.SignIn(System.GatewayUrl, organisation, role);

    /// <summary>A unique organisation per test, so tests never see each other's webhooks.</summary>
    public static string Org(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..8]}";
}

public static class WebhookApi
{
    /// <summary>Subscribes the receiver; returns the id and the secret.</summary>
    public static async Task<(string Id, string Secret)> Subscribe(this ApiClient client, string url, params string[] events)
    {
        var created = await client.PostOk("/api/webhooks", new { url, events = events.Length == 0 ? ["*"] : events, description = "test" });
        return (created["id"]!.GetValue<string>(), created["secret"]!.GetValue<string>());
    }

    /// <summary>Queues a webhook.ping; returns its webhook-id.</summary>
    public static async Task<string> Ping(this ApiClient client, string id)
    {
        var answer = await client.Http.PostAsync($"/api/webhooks/{id}/ping", null);
        var text = await answer.Content.ReadAsStringAsync();
        Assert.That((int)answer.StatusCode, Is.EqualTo(202), text);
        return JsonNode.Parse(text)!["webhookId"]!.GetValue<string>();
    }

    public static async Task<JsonArray> Deliveries(this ApiClient client, string id, string query = "") =>
        (await client.GetOk($"/api/webhooks/{id}/deliveries?limit=500{query}"))["items"]!.AsArray();

    public static Task<HttpResponseMessage> Patch(this ApiClient client, string path, object body) =>
        client.Http.PatchAsJsonAsync(path, body);
}
