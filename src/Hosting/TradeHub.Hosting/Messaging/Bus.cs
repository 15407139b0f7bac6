using System.Reflection;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace TradeHub.Hosting.Messaging;

/// <summary>RabbitMQ settings (section RabbitMq).</summary>
public sealed class RabbitMqOptions
{
    public string Host { get; set; } = "127.0.0.1";
    public ushort Port { get; set; } = 5673;
    public string VirtualHost { get; set; } = "/";
    public string Username { get; set; } = "guest";
    public string Password { get; set; } = "guest";
    /// <summary>Declare queues as quorum queues (for a RabbitMQ cluster).</summary>
    public bool QuorumQueues { get; set; }
    public ushort PrefetchCount { get; set; } = 32;
}

public static class Bus
{
    /// <summary>
    /// The most messages a batch consumer takes together (one transaction, one statement), and how long the first of
    /// a batch waits for more. Under load a batch fills from the messages already waiting on the queue; a message
    /// alone waits this long.
    /// </summary>
    public const int BatchMessageLimit = 50;
    public static readonly TimeSpan BatchTimeLimit = TimeSpan.FromMilliseconds(10);

    /// <summary>Adds a consumer of <c>Batch&lt;T&gt;</c> with the batch limits above.</summary>
    public static void AddBatchConsumer<TConsumer>(this IBusRegistrationConfigurator x) where TConsumer : class, IConsumer =>
        x.AddConsumer<TConsumer>(c => c.Options<BatchOptions>(o => o.SetMessageLimit(BatchMessageLimit).SetTimeLimit(BatchTimeLimit)));

    /// <summary>
    /// MassTransit on RabbitMQ: queues named after the service ("routing-cargo-offer-posted"), retries with
    /// back-off, then the message moves to the endpoint's _error queue and the consumer goes on.
    /// </summary>
    public static IHostApplicationBuilder AddBus(
        this IHostApplicationBuilder builder, string serviceName,
        Action<IBusRegistrationConfigurator>? consumers = null,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? endpoints = null)
    {
        var options = builder.Configuration.GetSection("RabbitMq").Get<RabbitMqOptions>() ?? new RabbitMqOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddMassTransit(x =>
        {
            x.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, false));
            // MassTransit 8.4+ reports usage to its vendor over the internet unless told not to: a service says
            // nothing about itself to third parties (and here it only logged a failed DNS lookup per start).
            x.ConfigureUsageTelemetryOptions(o => o.Enabled = false);
            consumers?.Invoke(x);
            if (options.QuorumQueues)
                x.AddConfigureEndpointsCallback((_, _, endpoint) =>
                {
                    if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.SetQuorumQueue();
                });
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(options.Host, options.Port, options.VirtualHost, h =>
                {
                    h.Username(options.Username);
                    h.Password(options.Password);
                });
                cfg.PrefetchCount = options.PrefetchCount;
                // A database restart or failover is waited out (about 90 s): the message is fine, and the pool's
                // stale connections can each fail once after a restart, so a few short retries may all be spent
                // before the server answers again. Every other failure gets the short retries below.
                cfg.UseMessageRetry(r =>
                {
                    r.Handle<NpgsqlException>(IsDatabaseUnavailable);
                    r.Intervals(250, 500, 1000, 2000, 4000, 8000, 15000, 30000, 30000);
                });
                cfg.UseMessageRetry(r =>
                {
                    r.Ignore<NpgsqlException>(IsDatabaseUnavailable);
                    r.Exponential(5, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(200));
                });
                endpoints?.Invoke(context, cfg);
                cfg.ConfigureEndpoints(context);
            });
        });
        builder.Services.AddHostedService<BusWatchdog>();
        // Let in-flight messages finish on shutdown.
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = false;
            o.StopTimeout = TimeSpan.FromSeconds(20);
        });
        return builder;
    }

    /// <summary>
    /// The database cannot be reached or is shutting down or starting: connection failures (Npgsql's transient
    /// errors) and the server's own 08 (connection) and 57P (operator intervention) codes.
    /// </summary>
    public static bool IsDatabaseUnavailable(NpgsqlException e) =>
        e.IsTransient || e is PostgresException { SqlState: var state } && (state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("57P", StringComparison.Ordinal));

    /// <summary>
    /// Adds the service's outbox (<see cref="Outbox"/>) and the relay that publishes its rows. The outbox holds only
    /// the public classes of <paramref name="contracts"/>, the assemblies of the events this service produces.
    /// </summary>
    public static IHostApplicationBuilder AddOutbox(this IHostApplicationBuilder builder, params Assembly[] contracts)
    {
        builder.Services.AddOutbox(contracts);
        builder.Services.AddHostedService<OutboxRelay>();
        return builder;
    }

    /// <summary>The outbox without its relay (for a test that publishes the rows itself, or not at all).</summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services, params Assembly[] contracts)
    {
        services.AddSingleton(new OutboxTypes(contracts));
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<Outbox>();
        return services;
    }
}
