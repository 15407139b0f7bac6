using System.Diagnostics;
using Npgsql;
using RabbitMQ.Client;

namespace TradeHub.LoadGenerator;

public sealed record BaselineResult(string Name, string Method, long Operations, double Seconds)
{
    public double PerSecond => Operations / Seconds;
}

/// <summary>What the same servers do without TradeHub in between: the ceilings the system's figures are divided by.</summary>
public static class Baselines
{
    private const string Database = "tradehub_bench_baseline";
    private const int Connections = 8;

    /// <summary>Single-row INSERT, each in its own commit (autocommit), from 8 connections, into a scratch database.</summary>
    public static async Task<BaselineResult> PostgresCommits(string server, TimeSpan duration)
    {
        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString;
        await using (var c = new NpgsqlConnection(admin))
        {
            await c.OpenAsync();
            await Exec(c, $"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
            await Exec(c, $"CREATE DATABASE {Database}");
        }
        try
        {
            var cs = new NpgsqlConnectionStringBuilder(server) { Database = Database, MaxPoolSize = Connections + 2, MaxAutoPrepare = 10 }.ConnectionString;
            await using var source = NpgsqlDataSource.Create(cs);
            await using (var c = await source.OpenConnectionAsync())
                await Exec(c, "CREATE TABLE rows (id uuid PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), body jsonb NOT NULL)");
            // A body of the size of a cargo offer's outbox event.
            var body = "{\"origin\":\"CNTSN\",\"destination\":\"UZTAS\",\"readyDate\":\"2030-01-01\",\"deliverBy\":\"2030-02-01\"," +
                       "\"containers\":{\"count\":2,\"type\":\"40HC\"},\"weightKg\":20000,\"hsCode\":\"847989\",\"description\":\"load run\"}";
            long count = 0;
            var clock = Stopwatch.StartNew();
            var until = clock.Elapsed + duration;
            await Task.WhenAll(Enumerable.Range(0, Connections).Select(async _ =>
            {
                await using var c = await source.OpenConnectionAsync();
                await using var cmd = new NpgsqlCommand("INSERT INTO rows (id, body) VALUES ($1, $2::jsonb)", c);
                cmd.Parameters.Add(new NpgsqlParameter { Value = Guid.Empty });
                cmd.Parameters.Add(new NpgsqlParameter { Value = body });
                while (clock.Elapsed < until)
                {
                    cmd.Parameters[0].Value = Guid.CreateVersion7();
                    await cmd.ExecuteNonQueryAsync();
                    Interlocked.Increment(ref count);
                }
            }));
            return new BaselineResult("pg_commits", "single-row INSERT, own commit, 8 connections", count, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var c = new NpgsqlConnection(admin);
            await c.OpenAsync();
            await Exec(c, $"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
        }
    }

    /// <summary>
    /// Rows inserted 100 a statement (<c>INSERT ... SELECT * FROM unnest(...)</c>), each statement its own commit, from 8
    /// connections, into a scratch database: the ceiling for tracking events, which a carrier posts in batches.
    /// </summary>
    public static async Task<BaselineResult> PostgresBatchedInserts(string server, TimeSpan duration)
    {
        const string database = "tradehub_bench_batched";
        const int rowsPerStatement = 100;
        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString;
        await using (var c = new NpgsqlConnection(admin))
        {
            await c.OpenAsync();
            await Exec(c, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
            await Exec(c, $"CREATE DATABASE {database}");
        }
        try
        {
            var cs = new NpgsqlConnectionStringBuilder(server) { Database = database, MaxPoolSize = Connections + 2, MaxAutoPrepare = 10 }.ConnectionString;
            await using var source = NpgsqlDataSource.Create(cs);
            // Shaped like a tracking event row: a key of two parts, a few short texts, a time.
            await using (var c = await source.OpenConnectionAsync())
                await Exec(c, """
                    CREATE TABLE rows (shipment_id uuid NOT NULL, event_id text NOT NULL, type text NOT NULL,
                        location text NOT NULL, event_time timestamptz NOT NULL, PRIMARY KEY (shipment_id, event_id))
                    """);
            long count = 0;
            var clock = Stopwatch.StartNew();
            var until = clock.Elapsed + duration;
            await Task.WhenAll(Enumerable.Range(0, Connections).Select(async _ =>
            {
                await using var c = await source.OpenConnectionAsync();
                await using var cmd = new NpgsqlCommand(
                    "INSERT INTO rows SELECT $1, e.id, 'GTIN', 'CNTSN', now() + e.n * interval '1 minute' FROM unnest($2::text[]) WITH ORDINALITY AS e(id, n)", c);
                cmd.Parameters.Add(new NpgsqlParameter { Value = Guid.Empty });
                cmd.Parameters.Add(new NpgsqlParameter { Value = Array.Empty<string>() });
                var ids = new string[rowsPerStatement];
                while (clock.Elapsed < until)
                {
                    for (var i = 0; i < ids.Length; i++) ids[i] = "e-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    cmd.Parameters[0].Value = Guid.CreateVersion7();
                    cmd.Parameters[1].Value = ids;
                    await cmd.ExecuteNonQueryAsync();
                    Interlocked.Add(ref count, rowsPerStatement);
                }
            }));
            return new BaselineResult("pg_batched_inserts", "INSERT ... SELECT unnest, 100 rows a statement, own commit, 8 connections", count, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var c = new NpgsqlConnection(admin);
            await c.OpenAsync();
            await Exec(c, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }

    /// <summary>
    /// Persistent publishes to a durable scratch queue with publisher confirms (RabbitMQ.Client 7): 8 channels, each
    /// awaiting the confirm of its message before the next, as an outbox relay does.
    /// </summary>
    public static async Task<BaselineResult> RabbitPublishes(Options o, TimeSpan duration)
    {
        var factory = new ConnectionFactory
        {
            HostName = o.AmqpHost, Port = o.AmqpPort, VirtualHost = o.AmqpVhost, UserName = o.AmqpUser, Password = o.AmqpPassword,
            ClientProvidedName = "tradehub-load-baseline",
        };
        await using var connection = await factory.CreateConnectionAsync();
        var queue = $"tradehub-bench-baseline-{Guid.NewGuid():N}";
        await using (var setup = await connection.CreateChannelAsync())
            await setup.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        try
        {
            var body = new byte[600]; // about a MassTransit envelope of a cargo offer event
            Random.Shared.NextBytes(body);
            var props = new BasicProperties { Persistent = true, ContentType = "application/octet-stream" };
            long count = 0;
            var clock = Stopwatch.StartNew();
            var until = clock.Elapsed + duration;
            await Task.WhenAll(Enumerable.Range(0, Connections).Select(async _ =>
            {
                await using var channel = await connection.CreateChannelAsync(
                    new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
                while (clock.Elapsed < until)
                {
                    await channel.BasicPublishAsync("", queue, mandatory: false, props, body);
                    Interlocked.Increment(ref count);
                }
            }));
            return new BaselineResult("amqp_confirmed_publishes", "persistent publish + confirm, 8 channels, 1 in flight each",
                count, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            await using var cleanup = await connection.CreateChannelAsync();
            await cleanup.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false);
        }
    }

    private static async Task Exec(NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }
}
