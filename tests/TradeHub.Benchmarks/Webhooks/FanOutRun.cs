using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.Configuration;
using Npgsql;
using TradeHub.Hosting.Database;
using TradeHub.Webhooks.Events;

namespace TradeHub.Benchmarks.Webhooks;

/// <summary>
/// `webhooks-fanout [subscriptions] [seconds] [writers]`: events per second turned into deliveries, for an
/// organisation with N subscriptions that all want the event, on the real PostgreSQL (TRADEHUB_PG, as the tests use;
/// a fresh database tradehub_bench_webhooks migrated with the service's own scripts). Each event is one transaction,
/// as a consumer's is. Measured against a baseline in the same run: the same rows written the obvious way (read the
/// matching subscriptions, insert the event, then one INSERT per delivery).
/// </summary>
public static class FanOutRun
{
    private const string Org = "bench-shipper";
    private const string Database = "tradehub_bench_webhooks";
    private const int Rounds = 3;

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static readonly object Data = new
    {
        id = Guid.Parse("0190a7e4-5b6c-7d8e-9f00-112233445566"), cargoOfferId = Guid.Parse("0190a7e4-5b6c-7d8e-9f00-665544332211"),
        carrier = "silkway-rail", price = new { amount = 4200m, currency = "USD" }, transitDays = 12,
        validUntil = "2026-12-24", routeId = "r1", placedAt = DateTimeOffset.Parse("2026-12-04T10:00:00Z", CultureInfo.InvariantCulture),
    };

    public static async Task Run(int[] subscriptionCounts, TimeSpan duration, int writers)
    {
        var server = Environment.GetEnvironmentVariable("TRADEHUB_PG") is { Length: > 0 } cs
            ? cs
            : "Host=127.0.0.1;Port=5433;Username=postgres;Password=tradehub";
        var connectionString = await FreshDatabase(server);
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Database"] = connectionString })
            .Build().MigrateDatabase(typeof(WebhookEvent).Assembly);
        await using var db = new NpgsqlDataSourceBuilder(connectionString).Build();
        var version = await (await db.OpenConnectionAsync()).ExecuteScalarAsync<string>("SHOW server_version");

        Console.WriteLine($"PostgreSQL {version}, {Environment.ProcessorCount} cores; {writers} writer(s), {duration.TotalSeconds:0} s per measurement, {Rounds} rounds each way taking turns, medians; 1 s warm-up each way.");
        Console.WriteLine("Each event: one transaction that keeps the event once and queues one delivery per subscription that wants it.");
        Console.WriteLine();
        Console.WriteLine("| subscriptions | fan-out events/s | deliveries/s | baseline events/s | baseline deliveries/s | ratio |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var n in subscriptionCounts)
        {
            await Subscriptions(db, n);
            await Measure(db, TimeSpan.FromSeconds(1), writers, FanOut);
            await Measure(db, TimeSpan.FromSeconds(1), writers, RowByRow);
            // The two ways take turns, three rounds each, and the median counts: a shared machine's noise falls on both.
            var fanOuts = new List<double>();
            var baselines = new List<double>();
            for (var round = 0; round < Rounds; round++)
            {
                var fanOut = await Measure(db, duration, writers, FanOut);
                await CheckRows(db, fanOut, n);
                fanOuts.Add(fanOut.PerSecond);
                var baseline = await Measure(db, duration, writers, RowByRow);
                await CheckRows(db, baseline, n);
                baselines.Add(baseline.PerSecond);
            }
            var (f, b) = (Median(fanOuts), Median(baselines));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {n:N0} | {f:N0} | {f * n:N0} | {b:N0} | {b * n:N0} | {f / b:0.0}x |"));
        }
        await using var drop = new NpgsqlConnection(server);
        await drop.OpenAsync();
        await drop.ExecuteAsync($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
    }

    private static async Task<string> FreshDatabase(string server)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
        await connection.ExecuteAsync($"CREATE DATABASE {Database}");
        return new NpgsqlConnectionStringBuilder(server) { Database = Database }.ConnectionString;
    }

    /// <summary>N enabled subscriptions of the organisation, half asking for the type and half for everything; another organisation's too.</summary>
    private static async Task Subscriptions(NpgsqlDataSource db, int n)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("TRUNCATE deliveries, webhook_events, subscriptions CASCADE");
        const string insert = """
            INSERT INTO subscriptions (id, org, url, events, secret, created_at, updated_at)
            SELECT gen_random_uuid(), o.org, 'http://127.0.0.1:9/hooks/' || i,
                CASE WHEN i % 2 = 0 THEN ARRAY['bid.placed'] ELSE ARRAY['*'] END, '\x00'::bytea, now(), now()
            FROM generate_series(1, @N) i, (VALUES (@Org), ('bench-rival')) o(org)
            """;
        await connection.ExecuteAsync(insert, new { N = n, Org });
        await connection.ExecuteAsync("ANALYZE subscriptions");
    }

    private sealed record Result(long Events, TimeSpan Elapsed)
    {
        public double PerSecond => Events / Elapsed.TotalSeconds;
    }

    private static async Task<Result> Measure(NpgsqlDataSource db, TimeSpan duration, int writers,
        Func<NpgsqlConnection, NpgsqlTransaction, Task> write)
    {
        await using (var connection = await db.OpenConnectionAsync())
            await connection.ExecuteAsync("TRUNCATE deliveries, webhook_events CASCADE");
        long events = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                await using var connection = await db.OpenConnectionAsync();
                await using var tx = await connection.BeginTransactionAsync();
                await write(connection, tx);
                await tx.CommitAsync();
                Interlocked.Increment(ref events);
            }
        })));
        return new Result(events, clock.Elapsed);
    }

    private static Task FanOut(NpgsqlConnection connection, NpgsqlTransaction tx) =>
        WebhookEvent.FanOut(connection, tx, Guid.CreateVersion7(), EventTypes.BidPlaced, [Org, "silkway-rail"],
            DateTimeOffset.UtcNow, Data);

    private const string TargetsSql = """
        SELECT id FROM subscriptions WHERE org = ANY(@Orgs) AND enabled AND (@Type = ANY(events) OR '*' = ANY(events)) ORDER BY id
        """;

    private const string EventSql = "INSERT INTO webhook_events (id, type, body, occurred_at) VALUES (@Id, @Type, @Body, @OccurredAt)";

    private const string DeliverySql = """
        INSERT INTO deliveries (id, subscription_id, event_id, event_type, next_attempt_at, created_at)
        VALUES (@Id, @SubscriptionId, @EventId, @Type, now(), now())
        """;

    private static async Task RowByRow(NpgsqlConnection connection, NpgsqlTransaction tx)
    {
        var id = Guid.CreateVersion7();
        string[] orgs = [Org, "silkway-rail"];
        var targets = (await connection.QueryAsync<Guid>(TargetsSql, new { Orgs = orgs, Type = EventTypes.BidPlaced }, tx)).AsList();
        if (targets.Count == 0) return;
        var now = DateTimeOffset.UtcNow;
        await connection.ExecuteAsync(EventSql, new { Id = id, Type = EventTypes.BidPlaced, Body = WebhookEvent.Body(EventTypes.BidPlaced, now, Data), OccurredAt = now }, tx);
        foreach (var target in targets)
            await connection.ExecuteAsync(DeliverySql, new { Id = Guid.CreateVersion7(), SubscriptionId = target, EventId = id, Type = EventTypes.BidPlaced }, tx);
    }

    /// <summary>Both ways must have written the same thing: one delivery per subscription per event, none to the rival.</summary>
    private static async Task CheckRows(NpgsqlDataSource db, Result result, int n)
    {
        await using var connection = await db.OpenConnectionAsync();
        var (events, deliveries, rival) = await connection.QuerySingleAsync<(long, long, long)>("""
            SELECT (SELECT count(*) FROM webhook_events), (SELECT count(*) FROM deliveries),
                   (SELECT count(*) FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id WHERE s.org <> @Org)
            """, new { Org });
        if (events != result.Events || deliveries != result.Events * n || rival != 0)
            throw new InvalidOperationException($"Expected {result.Events} events and {result.Events * n} deliveries; found {events}, {deliveries} ({rival} to the rival).");
    }
}
