using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TradeHub.Hosting.Database;
using TradeHub.Hosting.Messaging;
using TradeHub.Matching.CargoMatching;
using TradeHub.Matching.Offers;
using TradeHub.Testing;

namespace TradeHub.Matching.Tests.Database;

/// <summary>
/// The matching database on the real PostgreSQL, migrated once; per test a fresh in-memory bus (MassTransit test
/// harness) with Matching's consumers and a fresh in-memory index, over emptied tables.
/// </summary>
public abstract class ConsumerRig
{
    protected static string ConnectionString { get; private set; } = "";
    private static readonly SemaphoreSlim Once = new(1, 1);

    protected ServiceProvider Services { get; private set; } = null!;
    protected ITestHarness Harness { get; private set; } = null!;
    private ConsumedCounter consumed = null!;
    protected NpgsqlDataSource DataSource => Services.GetRequiredService<NpgsqlDataSource>();
    protected Outbox Outbox => Services.GetRequiredService<Outbox>();
    protected OpenOffers Offers => Services.GetRequiredService<OpenOffers>();

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        await Once.WaitAsync();
        try
        {
            if (ConnectionString.Length > 0) return;
            var cs = await TestDatabase.CreateFresh("tradehub_test_matching_consumers");
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Database"] = cs })
                .Build().MigrateDatabase(typeof(Program).Assembly);
            ConnectionString = cs;
        }
        finally
        {
            Once.Release();
        }
    }

    [SetUp]
    public async Task StartBus()
    {
        await using (var connection = new NpgsqlConnection(ConnectionString))
            await connection.ExecuteAsync("""
                TRUNCATE cargo_offers, capacity_offers, trade_offers, cargo_routes, offer_closures, logistics_table,
                         matches, flows, inbox, outbox
                """);
        (Services, Harness, consumed) = await StartInstance();
    }

    /// <summary>
    /// One Matching instance: its own index, partitions and in-memory bus, over the shared database. Tests start a
    /// second one to play two instances that are active at once (a failover's overlap).
    /// </summary>
    private protected static async Task<(ServiceProvider Services, ITestHarness Harness, ConsumedCounter Consumed)> StartInstance()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(_ => NpgsqlDataSource.Create(ConnectionString));
        services.AddOutbox(typeof(TradeHub.Matching.Contracts.MatchProposed).Assembly);
        services.AddSingleton(new MatchingRules());
        services.AddSingleton<OpenOffers>();
        services.AddSingleton<Partitions>();
        services.AddMassTransitTestHarness(x =>
        {
            x.AddMatchingConsumers();
            // As many messages in flight as the service's prefetch lets in, so messages that arrive together wait for
            // the partition's batch together, as they do in the service.
            x.UsingInMemory((context, cfg) =>
            {
                cfg.ConcurrentMessageLimit = 32;
                cfg.ConfigureEndpoints(context);
            });
        });
        var provider = services.BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var counter = new ConsumedCounter();
        harness.Bus.ConnectConsumeObserver(counter);
        return (provider, harness, counter);
    }

    [TearDown]
    public async Task StopBus()
    {
        await Harness.Stop();
        await Services.DisposeAsync();
    }

    /// <summary>Publishes with the given message id and waits until a consumer has handled it.</summary>
    protected Task Deliver<T>(T message, Guid? messageId = null) where T : class =>
        Deliver(Harness, consumed, message, messageId);

    /// <summary>Publishes to the given instance with the given message id and waits until a consumer has handled it.</summary>
    private protected static async Task Deliver<T>(ITestHarness harness, ConsumedCounter consumed, T message, Guid? messageId = null)
        where T : class
    {
        var id = messageId ?? Guid.NewGuid();
        var before = consumed.Count(id);
        await harness.Bus.Publish(message, ctx => ctx.MessageId = id);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (consumed.Count(id) <= before)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"{typeof(T).Name} {id} was not consumed");
            await Task.Delay(10);
        }
        Assert.That(consumed.Fault(id), Is.Null, consumed.Fault(id)?.ToString());
    }

    /// <summary>The index as the partition's next turn would use it (reloaded if a failed batch left it unsure).</summary>
    protected async Task<OpenOffers> Index(string partition = Partitions.CargoCapacity)
    {
        await Services.GetRequiredService<Partitions>().Load(partition);
        return Offers;
    }

    protected async Task<T> Scalar<T>(string sql, object? args = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<T>(sql, args) ?? throw new InvalidOperationException("null");
    }

    protected async Task<List<T>> Query<T>(string sql, object? args = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<T>(sql, args)).AsList();
    }

    /// <summary>Events waiting in the outbox, by short type name.</summary>
    protected Task<long> Outboxed(string typeName) =>
        Scalar<long>("SELECT count(*) FROM outbox WHERE message_type LIKE @Name", new { Name = $"%.{typeName}, %" });
}

/// <summary>Counts every consumption per message id, redeliveries included (the harness lists a message id once).</summary>
internal sealed class ConsumedCounter : IConsumeObserver
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, int> counts = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, Exception> faults = new();

    public int Count(Guid id) => counts.GetValueOrDefault(id);
    public Exception? Fault(Guid id) => faults.GetValueOrDefault(id);

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        counts.AddOrUpdate(context.MessageId!.Value, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        faults[context.MessageId!.Value] = exception;
        counts.AddOrUpdate(context.MessageId!.Value, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}
