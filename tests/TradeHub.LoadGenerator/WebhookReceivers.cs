using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace TradeHub.LoadGenerator;

/// <summary>One delivery as a receiver took it: subscription, receiver, webhook-id, the event's own time and arrival.</summary>
public readonly record struct Arrival(int Subscription, int Receiver, string WebhookId, DateTime EventAt, DateTime At);

/// <summary>
/// The receivers of the webhook bench: one Kestrel server in this process listening on one loopback port per
/// receiver. The Webhooks service keeps a concurrency limit and a circuit per endpoint (scheme, host, port), so each
/// port is an endpoint of its own. A subscription's URL carries its number (/hooks/{n}), so each delivery is
/// counted per subscription and its signature checked with that subscription's secret. One receiver can be made to
/// hang: it reads the request and never answers, until the sender gives up or the run ends.
/// </summary>
public sealed class WebhookReceivers : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<int, int> _receiverOfPort = new();
    private readonly ConcurrentQueue<Arrival> _arrivals = new();
    private readonly CancellationTokenSource _stop = new();
    private string[] _secrets = [];
    private long _count;
    private int _verified;
    private int _verifyFailures;
    private int _hung;

    public IReadOnlyList<int> Ports { get; }

    /// <summary>The receiver that hangs (-1: none).</summary>
    public int Hanging { get; set; } = -1;

    /// <summary>Every how-many-th delivery has its signature verified (with the StandardWebhooks library).</summary>
    public int VerifyEvery { get; init; } = 25;

    public long Count => Interlocked.Read(ref _count);
    public int Verified => Volatile.Read(ref _verified);
    public int VerifyFailures => Volatile.Read(ref _verifyFailures);
    public int Hung => Volatile.Read(ref _hung);
    public IReadOnlyCollection<Arrival> Arrivals => _arrivals;

    private WebhookReceivers(int receivers)
    {
        var ports = FreePorts(receivers);
        Ports = ports;
        for (var i = 0; i < ports.Length; i++) _receiverOfPort[ports[i]] = i;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            foreach (var port in ports) k.Listen(IPAddress.Loopback, port);
            k.Limits.MaxConcurrentConnections = null;
        });
        _app = builder.Build();
        _app.MapPost("/hooks/{subscription:int}", Handle);
    }

    public static async Task<WebhookReceivers> Start(int receivers)
    {
        var r = new WebhookReceivers(receivers);
        await r._app.StartAsync();
        return r;
    }

    public string Url(int receiver, int subscription) => $"http://127.0.0.1:{Ports[receiver]}/hooks/{subscription}";

    /// <summary>The signing secret of each subscription, by its number (the URL's).</summary>
    public void UseSecrets(string[] secrets) => _secrets = secrets;

    private async Task Handle(HttpContext http, int subscription)
    {
        var receiver = _receiverOfPort.GetValueOrDefault(http.Connection.LocalPort, -1);
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync(http.RequestAborted);
        var at = DateTime.UtcNow;
        if (receiver == Hanging)
        {
            Interlocked.Increment(ref _hung);
            using var both = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _stop.Token);
            try { await Task.Delay(Timeout.Infinite, both.Token); }
            catch (OperationCanceledException) { }
            return;
        }
        if (subscription < 0)
        {
            // The baseline's requests: answered, not counted.
            http.Response.StatusCode = 200;
            return;
        }
        var id = http.Request.Headers["webhook-id"].ToString();
        var n = Interlocked.Increment(ref _count);
        if (n % VerifyEvery == 0 && subscription < _secrets.Length) Verify(subscription, body, http.Request.Headers);
        _arrivals.Enqueue(new Arrival(subscription, receiver, id, EventTime(body), at));
        http.Response.StatusCode = 200;
    }

    private void Verify(int subscription, string body, IHeaderDictionary headers)
    {
        try
        {
            var copy = new HeaderDictionary
            {
                ["webhook-id"] = headers["webhook-id"], ["webhook-timestamp"] = headers["webhook-timestamp"],
                ["webhook-signature"] = headers["webhook-signature"],
            };
            new StandardWebhook(_secrets[subscription]).Verify(body, copy);
            Interlocked.Increment(ref _verified);
        }
        catch (WebhookVerificationException)
        {
            Interlocked.Increment(ref _verifyFailures);
        }
    }

    /// <summary>The body's top-level "timestamp" (when the event happened); it comes second, so little is read.</summary>
    private static DateTime EventTime(string body)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(body));
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("timestamp"))
            {
                reader.Read();
                return reader.GetDateTimeOffset().UtcDateTime;
            }
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth > 1) reader.Skip();
        }
        return DateTime.MinValue;
    }

    /// <summary>Ports the system gives out; all held open until the last is picked, so they differ.</summary>
    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var l in listeners) l.Start();
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stop.Dispose();
    }
}
