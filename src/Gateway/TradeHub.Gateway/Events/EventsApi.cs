using System.Text;
using MassTransit;
using Microsoft.AspNetCore.Http.Features;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Messaging;

namespace TradeHub.Gateway.Events;

public static class EventsApi
{
    private const string StreamsFullRetryAfterSeconds = "10";

    /// <summary>
    /// The hub and the bus: one non-durable, auto-deleted queue per gateway instance, so every instance hears
    /// every event for the clients connected to it, and a stopped instance leaves no queue behind.
    /// </summary>
    public static WebApplicationBuilder AddLiveEvents(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(builder.Configuration.GetSection("Events").Get<LiveEventsOptions>() ?? new());
        builder.Services.AddSingleton<EventHub>();
        builder.Services.AddSingleton(TimeProvider.System);
        var queue = $"gateway-events-{Environment.MachineName}-{Guid.NewGuid():N}".ToLowerInvariant();
        builder.AddBus("gateway", x =>
        {
            x.AddConsumer<LiveEventConsumer>().Endpoint(e => e.Name = queue);
            // Set here rather than with Temporary, which MassTransit maps to a one-minute expiry instead of
            // auto-delete; this way it works on the in-memory transport of the tests too.
            x.AddConfigureEndpointsCallback((_, name, endpoint) =>
            {
                if (name == queue && endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
                {
                    rabbit.Durable = false;
                    rabbit.AutoDelete = true;
                    // The gateway's broker user may publish nothing (deploy/rabbitmq/permissions.tsv): a message its
                    // consumer gives up on goes to its own _error queue without a Fault event, which would be refused.
                    rabbit.PublishFaults = false;
                }
            });
        });
        // The token comes only in the Authorization header (the dashboard reads the stream with fetch()): a token
        // in the query string would land in access logs and browser history.
        return builder;
    }

    public static WebApplication MapEventsApi(this WebApplication app)
    {
        app.MapGet("/api/events", Stream)
            .RequireAuthorization()
            .WithTags("Events")
            .WithName("streamEvents")
            .WithSummary("Server-sent events for the caller's organisation: match.proposed, match.confirmed, match.expired, " +
                         "bid.placed, bid.awarded, routes.changed, webhook.disabled, shipment.booked, shipment.event, " +
                         "shipment.eta_changed, shipment.delayed, shipment.exception, shipment.delivered, pool.joined, pool.formed, pool.cancelled, pool.suggested; send Last-Event-ID to catch up after a reconnect.")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    private static async Task Stream(HttpContext http, EventHub hub, LiveEventsOptions options,
        IHostApplicationLifetime lifetime)
    {
        var caller = Caller.From(http.User);
        if (string.IsNullOrEmpty(caller.Org))
        {
            await Problem.Write(http, StatusCodes.Status403Forbidden, "The token names no organisation.");
            return;
        }

        var lastEventId = http.Request.Headers["Last-Event-ID"].FirstOrDefault()
            ?? http.Request.Query["lastEventId"].FirstOrDefault();
        using var subscription = hub.Subscribe(caller.Org, caller.Subject, lastEventId);
        if (subscription is null)
        {
            http.Response.Headers.RetryAfter = StreamsFullRetryAfterSeconds;
            await Problem.Write(http, StatusCodes.Status429TooManyRequests,
                "Too many open event streams for this organisation or user.",
                $"At most {options.MaxStreamsPerUser} streams per user and {options.MaxStreamsPerOrganisation} per " +
                "organisation; close one (or retry after the time in Retry-After).",
                "https://tools.ietf.org/html/rfc6585#section-4");
            return;
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        // End streams when the gateway stops, so shutdown does not wait for clients; they reconnect elsewhere
        // with Last-Event-ID.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var ct = ended.Token;
        try
        {
            await Write(http, "retry: 3000\n\n", ct);
            foreach (var e in subscription.Missed) await Write(http, Format(e), ct);
            await http.Response.Body.FlushAsync(ct);
            while (!ct.IsCancellationRequested)
            {
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(ct);
                beat.CancelAfter(options.Heartbeat);
                bool more;
                try
                {
                    more = await subscription.Reader.WaitToReadAsync(beat.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await Write(http, ": heartbeat\n\n", ct);
                    await http.Response.Body.FlushAsync(ct);
                    continue;
                }
                if (!more) break;
                while (subscription.Reader.TryRead(out var e)) await Write(http, Format(e), ct);
                await http.Response.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away: the normal end of a stream.
        }
    }

    internal static string Format(LiveEvent e) => $"id: {e.Id}\nevent: {e.Type}\ndata: {e.Data}\n\n";

    private static Task Write(HttpContext http, string text, CancellationToken ct) =>
        http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), ct).AsTask();
}
