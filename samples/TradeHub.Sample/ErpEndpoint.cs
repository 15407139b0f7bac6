using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace TradeHub.Sample;

/// <summary>
/// A shipper's own system as TradeHub's webhooks see it: an HTTP endpoint on this machine that checks every
/// delivery's Standard Webhooks signature with the shipper's secret before it believes it, and answers 2xx once it
/// has the event (a repeated webhook-id is acknowledged and not applied twice).
/// </summary>
public sealed class ErpEndpoint : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, string> applied = new(StringComparer.Ordinal);
    private WebApplication? app;
    private int refused;

    /// <summary>Where TradeHub is to send the webhooks (loopback, a port the system chose).</summary>
    public string Url { get; private set; } = "";

    /// <summary>The signing secret TradeHub showed when the webhook was registered.</summary>
    public string? Secret { get; set; }

    /// <summary>The event types applied, by webhook-id.</summary>
    public IReadOnlyDictionary<string, string> Applied => applied;

    /// <summary>Deliveries whose signature did not verify (none, unless someone impersonates TradeHub).</summary>
    public int Refused => Volatile.Read(ref refused);

    public static async Task<ErpEndpoint> Start()
    {
        var endpoint = new ErpEndpoint();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/tradehub/webhooks", (Func<HttpContext, Task<IResult>>)endpoint.Receive);
        await app.StartAsync();
        endpoint.app = app;
        endpoint.Url = app.Urls.First().TrimEnd('/') + "/tradehub/webhooks";
        return endpoint;
    }

    private async Task<IResult> Receive(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        try
        {
            new StandardWebhook(Secret ?? throw new WebhookVerificationException("no secret yet")).Verify(body, http.Request.Headers);
        }
        catch (WebhookVerificationException)
        {
            Interlocked.Increment(ref refused);
            return Results.Unauthorized();
        }
        var type = JsonNode.Parse(body)?["type"]?.GetValue<string>() ?? "?";
        applied.TryAdd(http.Request.Headers["webhook-id"].ToString(), type);
        return Results.NoContent();
    }

    public async ValueTask DisposeAsync()
    {
        if (app is null) return;
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
