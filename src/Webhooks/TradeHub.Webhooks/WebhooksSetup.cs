using Microsoft.Extensions.Http.Resilience;
using Polly;
using TradeHub.Webhooks.Delivery;
using TradeHub.Webhooks.Events;
using TradeHub.Webhooks.Subscriptions;

namespace TradeHub.Webhooks;

public static class WebhooksSetup
{
    /// <summary>Options, the secret box (refusing to start without a key outside Development), URL safety, the delivery client and dispatcher.</summary>
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Webhooks").Get<WebhooksOptions>() ?? new WebhooksOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(SecretBox.FromConfiguration(options, builder.Environment.IsDevelopment()));
        builder.Services.AddSingleton<UrlSafety>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Completions>();
        builder.Services.AddSingleton<DeliveriesQueued>();
        builder.Services.AddSingleton<Fan>();
        builder.Services.AddSingleton<Sender>();
        builder.Services.AddHostedService<Dispatcher>();
        builder.Services.AddHostedService<DeliveryRetention>();

        // One pipeline per endpoint (scheme, host, port): its own concurrency limit and circuit, so one dead
        // endpoint never takes the others' slots or trips their circuit. No retries here: the delivery table retries.
        builder.Services.AddHttpClient(Sender.Client, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
                ConnectTimeout = TimeSpan.FromSeconds(5),
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                MaxResponseHeadersLength = 64,
                ConnectCallback = sp.GetRequiredService<UrlSafety>().Connect,
            })
            .AddResilienceHandler("webhook-endpoint", pipeline =>
            {
                pipeline.AddConcurrencyLimiter(options.PerEndpointConcurrency, 0);
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = options.CircuitFailureRatio,
                    MinimumThroughput = options.CircuitMinimumThroughput,
                    SamplingDuration = options.CircuitSamplingDuration,
                    BreakDuration = options.CircuitBreakDuration,
                });
                pipeline.AddTimeout(options.Timeout);
            })
            .SelectPipelineByAuthority();
        return builder;
    }
}
