using Microsoft.Extensions.Options;
using System.Collections.Concurrent;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TradeHub.Hosting.Database;
using TradeHub.Hosting.Messaging;
using TradeHub.Testing;

namespace TradeHub.Hosting.Tests;

/// <summary>A test event: a parcel was weighed at a border crossing.</summary>
public sealed record ParcelWeighed
{
    public required Guid ParcelId { get; init; }
    public required decimal WeightKg { get; init; }
}

/// <summary>Counts each delivery and applies its effect once through the inbox.</summary>
public sealed class ParcelWeighedConsumer(Outbox outbox) : IConsumer<ParcelWeighed>
{
    public static readonly ConcurrentBag<Guid> Deliveries = [];
    public static readonly ConcurrentDictionary<Guid, int> Unreachable = new();

    public async Task Consume(ConsumeContext<ParcelWeighed> context)
    {
        Deliveries.Add(context.MessageId!.Value);
        // The database is unreachable for this parcel's first attempts (a restart as the consumer sees it).
        if (Unreachable.TryGetValue(context.Message.ParcelId, out var left) && left > 0
            && Unreachable.TryUpdate(context.Message.ParcelId, left - 1, left))
            throw new NpgsqlException("Exception while reading from stream", new IOException("Connection reset by peer"));
        // A poison message: no retry can make a negative weight valid.
        if (context.Message.WeightKg < 0) throw new InvalidOperationException("A parcel cannot weigh less than nothing.");
        await outbox.HandleOnce(context, "tests.parcel-weighed", tx =>
            tx.Connection.ExecuteAsync("INSERT INTO weighings (parcel_id, weight_kg) VALUES (@ParcelId, @WeightKg)",
                context.Message, tx.Transaction));
    }
}

/// <summary>The transactional outbox and the idempotent inbox on the real PostgreSQL and RabbitMQ.</summary>
public class OutboxAndInboxTests
{
    private const string Name = "tradehub_test_hosting";
    private IHost _host = null!;
#pragma warning disable NUnit1032 // the host owns the data source and disposes it
    private NpgsqlDataSource _db = null!;
#pragma warning restore NUnit1032
    private Outbox _outbox = null!;
    private OutboxRelay _relay = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        var connectionString = await TestDatabase.CreateFresh(Name);
        await TestBroker.RecreateVirtualHost(Name);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Database"] = connectionString,
            ["RabbitMq:VirtualHost"] = Name,
            ["RabbitMq:Port"] = RunningSystem.AmqpPort.ToString(),
        });
        builder.AddDatabase();
        builder.AddBus("hosting-tests", x => x.AddConsumer<ParcelWeighedConsumer>());
        // The outbox holds the test's events only; the test runs its relay by hand.
        builder.Services.AddOutbox(typeof(ParcelWeighed).Assembly);
        builder.Configuration.MigrateDatabase(typeof(OutboxAndInboxTests).Assembly);
        _host = builder.Build();
        await _host.StartAsync();
        _db = _host.Services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await _db.OpenConnectionAsync();
        await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS weighings (parcel_id uuid, weight_kg numeric)");
        _outbox = _host.Services.GetRequiredService<Outbox>();
        _relay = new OutboxRelay(_db, _host.Services.GetRequiredService<IBus>(), _host.Services.GetRequiredService<OutboxTypes>(),
            _host.Services.GetRequiredService<OutboxSignal>(), NullLogger<OutboxRelay>.Instance);
        await _host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _relay.Dispose();
        await _host.StopAsync();
        _host.Dispose();
    }

    private async Task<long> Scalar(string sql, object? args = null)
    {
        await using var connection = await _db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(sql, args);
    }

    private static async Task Until(Func<Task<bool>> condition, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(20));
        while (!await condition() && DateTime.UtcNow < deadline) await Task.Delay(50);
    }

    [Test]
    public void The_bus_reports_no_usage_to_its_vendor() =>
        Assert.That(_host.Services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled, Is.False);

    [Test]
    public async Task An_event_is_written_with_its_change_and_published_once()
    {
        var parcel = Guid.NewGuid();
        await using (var tx = await _outbox.Begin())
        {
            await tx.Connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS parcels (id uuid)", transaction: tx.Transaction);
            await tx.Connection.ExecuteAsync("INSERT INTO parcels (id) VALUES (@parcel)", new { parcel }, tx.Transaction);
            await tx.Enqueue(new ParcelWeighed { ParcelId = parcel, WeightKg = 812 });
            await tx.Commit();
        }
        var rowId = await Scalar("SELECT count(*) FROM outbox WHERE body->>'parcelId' = @p", new { p = parcel.ToString() });
        Assert.That(rowId, Is.EqualTo(1), "the event row committed with its change");

        await _relay.PublishBatch(CancellationToken.None);
        await _relay.PublishBatch(CancellationToken.None);
        await Until(async () => await Scalar("SELECT count(*) FROM weighings WHERE parcel_id = @parcel", new { parcel }) > 0);

        Assert.That(await Scalar("SELECT count(*) FROM weighings WHERE parcel_id = @parcel", new { parcel }), Is.EqualTo(1));
        Assert.That(await Scalar("SELECT count(*) FROM outbox"), Is.Zero, "the outbox drained");
    }

    [Test]
    public async Task A_rolled_back_change_publishes_nothing()
    {
        var parcel = Guid.NewGuid();
        await using (var tx = await _outbox.Begin())
        {
            await tx.Enqueue(new ParcelWeighed { ParcelId = parcel, WeightKg = 5 });
            await tx.Transaction.RollbackAsync();
        }
        Assert.That(await Scalar("SELECT count(*) FROM outbox WHERE body->>'parcelId' = @p", new { p = parcel.ToString() }), Is.Zero);
        Assert.That(await _relay.PublishBatch(CancellationToken.None), Is.Zero);
    }

    [Test]
    public async Task A_batch_whose_publish_fails_stays_in_the_outbox_and_goes_out_once_it_can()
    {
        // The relay deletes a batch in the statement that takes it; the delete must not outlive a failed publish.
        var parcel = Guid.NewGuid();
        await using (var tx = await _outbox.Begin())
        {
            await tx.Enqueue(new ParcelWeighed { ParcelId = parcel, WeightKg = 3 });
            await tx.Connection.ExecuteAsync("""
                INSERT INTO outbox (id, message_type, body) VALUES (@Id, 'TradeHub.NoSuchEvent, NoSuchAssembly', '{}')
                """, new { Id = Guid.NewGuid() }, tx.Transaction);
            await tx.Commit();
        }
        Assert.That(async () => await _relay.PublishBatch(CancellationToken.None), Throws.Exception);
        Assert.That(await Scalar("SELECT count(*) FROM outbox"), Is.EqualTo(2), "both rows are still there");

        await Scalar("DELETE FROM outbox WHERE message_type LIKE 'TradeHub.NoSuchEvent%'");
        Assert.That(await _relay.PublishBatch(CancellationToken.None), Is.EqualTo(1));
        await Until(async () => await Scalar("SELECT count(*) FROM weighings WHERE parcel_id = @parcel", new { parcel }) > 0);
        Assert.That(await Scalar("SELECT count(*) FROM weighings WHERE parcel_id = @parcel", new { parcel }), Is.EqualTo(1));
        Assert.That(await Scalar("SELECT count(*) FROM outbox"), Is.Zero);
    }

    [Test]
    public async Task A_stored_type_outside_the_contracts_assemblies_is_never_loaded()
    {
        // A type the runtime would load by name (Type.GetType finds it), but no contracts assembly declares it.
        const string Foreign = "System.IO.FileInfo, System.IO.FileSystem";
        Assert.That(Type.GetType(Foreign), Is.Not.Null, "the name is loadable, so only the allow-list refuses it");
        var types = _host.Services.GetRequiredService<OutboxTypes>();
        Assert.That(() => types.Resolve(Foreign), Throws.InvalidOperationException.With.Message.Contains("unknown message type"));
        Assert.That(types.Resolve(types.NameOf(typeof(ParcelWeighed))), Is.EqualTo(typeof(ParcelWeighed)));

        await Scalar("""
            INSERT INTO outbox (id, message_type, body) VALUES (@Id, @Foreign, '{"originalPath": "/etc/passwd"}') RETURNING 1
            """, new { Id = Guid.NewGuid(), Foreign });
        Assert.That(async () => await _relay.PublishBatch(CancellationToken.None),
            Throws.InvalidOperationException.With.Message.Contains(Foreign));
        Assert.That(await Scalar("SELECT count(*) FROM outbox WHERE message_type = @Foreign", new { Foreign }), Is.EqualTo(1),
            "the row stays for an operator to look at; nothing was published");
        await Scalar("DELETE FROM outbox WHERE message_type = @Foreign RETURNING 1", new { Foreign });
    }

    [Test]
    public async Task An_event_of_a_type_outside_the_contracts_assemblies_cannot_be_added()
    {
        await using var tx = await _outbox.Begin();
        Assert.That(async () => await tx.Enqueue(new Uri("https://example.org/")), Throws.InvalidOperationException);
    }

    [Test]
    public async Task A_commit_with_events_wakes_the_relay_and_one_without_leaves_it_asleep()
    {
        var signal = _host.Services.GetRequiredService<OutboxSignal>();
        signal.Clear();
        await using (var quiet = await _outbox.Begin()) await quiet.Commit();
        Assert.That(signal.IsPending, Is.False);
        await using (var tx = await _outbox.Begin())
        {
            await tx.Enqueue(new ParcelWeighed { ParcelId = Guid.NewGuid(), WeightKg = 1 });
            await tx.Commit();
        }
        Assert.That(signal.IsPending, Is.True);
        await _relay.PublishBatch(CancellationToken.None);
    }

    [Test]
    public async Task The_same_message_delivered_twice_has_one_effect()
    {
        var parcel = Guid.NewGuid();
        var messageId = NewId.NextGuid();
        var bus = _host.Services.GetRequiredService<IBus>();
        var message = new ParcelWeighed { ParcelId = parcel, WeightKg = 40 };
        // A redelivery after a crash carries the same MessageId: the relay publishes a row again when it died before deleting it.
        await bus.Publish(message, c => c.MessageId = messageId);
        await bus.Publish(message, c => c.MessageId = messageId);
        // Both deliveries arrived (each is counted as its consumer starts) and the first one's transaction committed.
        await Until(async () => ParcelWeighedConsumer.Deliveries.Count(d => d == messageId) >= 2
                                && await Scalar("SELECT count(*) FROM inbox WHERE message_id = @messageId", new { messageId }) > 0);

        Assert.That(ParcelWeighedConsumer.Deliveries.Count(d => d == messageId), Is.EqualTo(2), "both deliveries arrived");
        Assert.That(await Scalar("SELECT count(*) FROM weighings WHERE parcel_id = @parcel", new { parcel }), Is.EqualTo(1));
        Assert.That(await Scalar("SELECT count(*) FROM inbox WHERE message_id = @messageId", new { messageId }), Is.EqualTo(1));
    }

    [Test]
    public async Task A_message_that_always_fails_lands_in_the_error_queue_and_the_consumer_goes_on()
    {
        var bus = _host.Services.GetRequiredService<IBus>();
        var poisonId = NewId.NextGuid();
        await bus.Publish(new ParcelWeighed { ParcelId = Guid.NewGuid(), WeightKg = -1 }, c => c.MessageId = poisonId);
        var good = Guid.NewGuid();
        await bus.Publish(new ParcelWeighed { ParcelId = good, WeightKg = 10 });

        await Until(async () => await Scalar("SELECT count(*) FROM weighings WHERE parcel_id = @good", new { good }) == 1);
        Assert.That(await Scalar("SELECT count(*) FROM weighings WHERE parcel_id = @good", new { good }), Is.EqualTo(1),
            "the consumer went on with the next message");

        var errorQueue = $"queues/{Name}/hosting-tests-parcel-weighed_error";
        long parked = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (parked == 0 && DateTime.UtcNow < deadline)
        {
            parked = await TestBroker.MessagesIn(errorQueue);
            if (parked == 0) await Task.Delay(500);
        }
        Assert.That(parked, Is.EqualTo(1), "the poison message is parked after its retries");
        Assert.That(ParcelWeighedConsumer.Deliveries.Count(d => d == poisonId), Is.GreaterThan(1), "it was retried first");
    }

    [Test]
    public async Task A_message_that_meets_a_database_restart_is_handled_once_the_database_is_back()
    {
        var bus = _host.Services.GetRequiredService<IBus>();
        var parcel = Guid.NewGuid();
        var messageId = NewId.NextGuid();
        // As many failed attempts as the short retries allow (1 + 5): only waiting out the outage saves the message.
        ParcelWeighedConsumer.Unreachable[parcel] = 6;
        await bus.Publish(new ParcelWeighed { ParcelId = parcel, WeightKg = 12 }, c => c.MessageId = messageId);

        await Until(async () => await Scalar("SELECT count(*) FROM weighings WHERE parcel_id = @parcel", new { parcel }) == 1,
            TimeSpan.FromSeconds(120));
        Assert.That(await Scalar("SELECT count(*) FROM weighings WHERE parcel_id = @parcel", new { parcel }), Is.EqualTo(1),
            $"handled after {ParcelWeighedConsumer.Deliveries.Count(d => d == messageId)} deliveries");
        Assert.That(ParcelWeighedConsumer.Deliveries.Count(d => d == messageId), Is.EqualTo(7), "six failures, then the one that counted");
    }

    [Test]
    public void A_database_that_is_unreachable_or_shutting_down_is_waited_out_and_a_bad_statement_is_not()
    {
        Assert.Multiple(() =>
        {
            Assert.That(TradeHub.Hosting.Messaging.Bus.IsDatabaseUnavailable(new NpgsqlException("reading from stream", new IOException())), Is.True);
            Assert.That(TradeHub.Hosting.Messaging.Bus.IsDatabaseUnavailable(new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01")), Is.True);
            Assert.That(TradeHub.Hosting.Messaging.Bus.IsDatabaseUnavailable(new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03")), Is.True);
            Assert.That(TradeHub.Hosting.Messaging.Bus.IsDatabaseUnavailable(new PostgresException("syntax error", "ERROR", "ERROR", "42601")), Is.False);
            Assert.That(TradeHub.Hosting.Messaging.Bus.IsDatabaseUnavailable(new PostgresException("duplicate key", "ERROR", "ERROR", "23505")), Is.False);
        });
    }

    [Test]
    public async Task The_inbox_records_a_message_once_per_consumer()
    {
        var messageId = Guid.NewGuid();
        await using var connection = await _db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        Assert.That(await connection.TryRecordHandled(tx, messageId, "routing.a"), Is.True);
        Assert.That(await connection.TryRecordHandled(tx, messageId, "routing.a"), Is.False);
        Assert.That(await connection.TryRecordHandled(tx, messageId, "matching.a"), Is.True, "another consumer handles it on its own");
    }
}
