using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace TradeHub.LoadGenerator;

/// <summary>
/// Phase shipments: carriers' tracking events through the gateway in batches of 100 (flat out, then paced at half the
/// rate held, with event-to-shipment.eta_changed latency), and one closure reaching 10,000 shipments in transit.
/// Shipments are seeded straight into the Shipments database (booking them through matches would take most of the
/// run); everything after the seed goes through the gateway, the services and the broker as in production.
/// </summary>
public sealed class ShipmentsBench(Options options, Api api, Workload workload)
{
    private const int Carriers = 8;
    private const int BatchSize = 100;
    private const int PerCarrierInFlight = 4;
    private static readonly string[] NonDepartureTypes = ["GTIN", "LOAD", "GTOT", "CUSS", "CUSR", "DISC"];

    private sealed record Seeded(Guid Id, int Carrier, string Shipper, List<JsonObject> Legs, DateTimeOffset PlannedDeparture,
        DateTimeOffset PlannedArrival)
    {
        public int Batches;
        public double LastDelayHours;
    }

    private readonly ConcurrentDictionary<Guid, long> _awaitingEta = new();
    private readonly ConcurrentBag<double> _etaMs = [];
    private readonly ConcurrentDictionary<Guid, Seeded> _byId = new();
    private readonly ConcurrentQueue<Seeded> _free = new();
    private ConcurrentDictionary<Guid, long>? _disruptionEta;
    private ConcurrentDictionary<Guid, long>? _disruptionException;
    private string[] _carrierTokens = [];
    private string[] _carrierOrgs = [];

    public object? Result { get; private set; }

    /// <summary>Called for every live event of the SME organisations (the shippers of the seeded shipments).</summary>
    public void OnEvent(Received e)
    {
        if (e.Type is not ("shipment.eta_changed" or "shipment.exception") || e.Data is null) return;
        if (!Guid.TryParse(e.Data["shipmentId"]?.GetValue<string>(), out var id)) return;
        if (e.Type == "shipment.eta_changed")
        {
            _disruptionEta?.TryAdd(id, e.At);
            if (_awaitingEta.TryRemove(id, out var sent))
            {
                _etaMs.Add(Stopwatch.GetElapsedTime(sent, e.At).TotalMilliseconds);
                if (_byId.TryGetValue(id, out var s)) _free.Enqueue(s);
            }
        }
        else _disruptionException?.TryAdd(id, e.At);
    }

    /// <summary>Tracking (baseline, flat out, paced), then the disruption; without <paramref name="tracking"/> the disruption alone.</summary>
    public async Task Run(LiveEvents events, ProcessMemory memory, double seconds, int disruptionShipments, bool tracking)
    {
        var database = new NpgsqlConnectionStringBuilder(options.PgConnection)
        {
            Database = (Environment.GetEnvironmentVariable("TRADEHUB_DB_PREFIX") ?? "tradehub_") + "shipments",
        }.ConnectionString;
        await using var db = NpgsqlDataSource.Create(database);

        _carrierOrgs = Enumerable.Range(0, Carriers).Select(i => $"load-track-carrier-{i}-{workload.RunId}").ToArray();
        _carrierTokens = await Task.WhenAll(_carrierOrgs.Select(o => api.Token(o, "carrier")));
        var admin = await api.Token($"load-operator-{workload.RunId}", "admin");

        var route = await Route("CNTSN", "UZTAS");
        Console.WriteLine($"route {string.Join('-', route.Nodes)} ({route.Hours.Sum():0} h)");
        var now = DateTimeOffset.UtcNow;
        object? trackingResult = null, pacedResult = null, baselineResult = null;
        if (tracking)
        {
            Console.WriteLine("baseline: PostgreSQL batched inserts (INSERT ... SELECT unnest, 100 rows a statement), 8 connections ...");
            var batched = await Baselines.PostgresBatchedInserts(options.PgConnection, TimeSpan.FromSeconds(options.BaselineSeconds));
            Console.WriteLine($"  {batched.PerSecond:0} rows/s");

            Console.WriteLine("seeding tracked shipments ...");
            // Tracked shipments were planned a month back: their estimated passing of any node lies in the past, so the
            // closure later in the run does not reach them.
            var tracked = Enumerable.Range(0, Carriers * 400)
                .Select(i => Shipment(route, i % Carriers, i, now.AddDays(-30), departed: false)).ToList();
            await Seed(db, tracked, "booked");
            foreach (var s in tracked) _byId[s.Id] = s;

            long warmAccepted = 0;
            if (options.WarmupSeconds > 0)
            {
                Console.WriteLine($"warm-up: tracking events flat out for {options.WarmupSeconds} s (not measured) ...");
                warmAccepted = await FlatOut(new PhaseStats("shipments.warm-up"), tracked, options.WarmupSeconds);
                await Quiet(events, TimeSpan.FromSeconds(60));
            }
            var flat = new PhaseStats("shipments.track");
            var cpu = memory.CpuSeconds();
            var serverCpu = ProcessMemory.ServerCpuSeconds();
            Console.WriteLine($"phase shipments: tracking events flat out, {Carriers} carriers x {PerCarrierInFlight} batches of {BatchSize} in flight, {seconds:0} s ...");
            var accepted = await FlatOut(flat, tracked, seconds);
            var flatCpu = memory.CpuSeconds().ToDictionary(c => c.Key, c => c.Value - cpu.GetValueOrDefault(c.Key));
            var flatServerCpu = ProcessMemory.ServerCpuSeconds().ToDictionary(c => c.Key, c => c.Value - serverCpu.GetValueOrDefault(c.Key));
            var eventRate = accepted / flat.Clock.Elapsed.TotalSeconds;
            await Quiet(events, TimeSpan.FromSeconds(60));
            var check = await Applied(db, tracked);
            Console.WriteLine($"  {accepted} events accepted in {flat.Clock.Elapsed.TotalSeconds:0.0} s: {eventRate:0} /s " +
                              $"({eventRate / batched.PerSecond:0.000} of the batched-insert rate); stored {check.Stored} of " +
                              $"{warmAccepted + accepted} accepted with the warm-up, " +
                              $"estimates as expected on {check.EstimatesRight} of {check.Touched} shipments");
            // Where a post's machine time goes: CPU milliseconds per 100 accepted events, per process.
            var perPost = flatCpu.Concat(flatServerCpu).ToDictionary(c => c.Key, c => accepted == 0 ? 0 : c.Value * 1000 / (accepted / 100.0));
            Console.WriteLine("  machine time per 100 events (ms of CPU): " +
                              string.Join(", ", perPost.OrderByDescending(c => c.Key == "machine").ThenByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value:0.0}")));

            // Paced at half the rate held, one batch in flight per shipment, so each eta_changed names the batch that caused it.
            var halfBatches = eventRate / 2 / BatchSize;
            var paced = new PhaseStats("shipments.track-paced");
            foreach (var s in tracked.OrderBy(_ => Random.Shared.Next())) _free.Enqueue(s);
            Console.WriteLine($"phase shipments: tracking events at half that rate, {halfBatches * BatchSize:0} events/s ({halfBatches:0.0} batches/s), {seconds:0} s ...");
            var running = new List<Task>();
            long started = 0;
            paced.Clock.Start();
            while (paced.Clock.Elapsed.TotalSeconds < seconds)
            {
                var due = (long)(paced.Clock.Elapsed.TotalSeconds * halfBatches) - started;
                for (var i = 0; i < due; i++)
                {
                    if (!_free.TryDequeue(out var s)) { Interlocked.Increment(ref paced.LateStarts); break; }
                    started++;
                    running.Add(Task.Run(() => PostBatch(paced, s, _awaitingEta)));
                }
                await Task.Delay(1);
            }
            await Task.WhenAll(running);
            paced.Clock.Stop();
            var drain = Stopwatch.StartNew();
            while (!_awaitingEta.IsEmpty && drain.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(50);
            var eta = Percentiles.Of(_etaMs);
            Console.WriteLine($"  {started} batches, {_etaMs.Count} eta_changed received ({_awaitingEta.Count} missing); " +
                              $"event-to-eta_changed p50 {eta.P50:0.0} ms, p95 {eta.P95:0.0} ms, p99 {eta.P99:0.0} ms, max {eta.Max:0.0} ms");

            baselineResult = new { rowsPerSecond = Math.Round(batched.PerSecond), batched.Method, seconds = Math.Round(batched.Seconds, 1) };
            trackingResult = new
            {
                carriers = Carriers, batchSize = BatchSize, inFlight = Carriers * PerCarrierInFlight, seconds = Math.Round(flat.Seconds, 1),
                eventsAccepted = accepted, eventsPerSecond = Math.Round(eventRate), ratioToBatchedInserts = Math.Round(eventRate / batched.PerSecond, 4),
                acceptedWithWarmUp = warmAccepted + accepted, stored = check.Stored, shipmentsTouched = check.Touched, estimatesAsExpected = check.EstimatesRight,
                posts = Lat(flat.Of("shipments.events").Latency()), errors = flat.Of("shipments.events").Errors.ToDictionary(e => e.Key, e => e.Value),
                cpuSeconds = flatCpu.Concat(flatServerCpu).ToDictionary(c => c.Key, c => Math.Round(c.Value, 2)),
                cpuMsPer100Events = perPost.ToDictionary(c => c.Key, c => Math.Round(c.Value, 2)),
            };
            pacedResult = new
            {
                eventsPerSecond = Math.Round(halfBatches * BatchSize), batches = started, etaChangedReceived = _etaMs.Count,
                missing = _awaitingEta.Count, eventToEtaChangedMs = Lat(eta), posts = Lat(paced.Of("shipments.events").Latency()),
            };
        }

        // One closure ahead of disruptionShipments shipments in transit.
        var closed = route.Nodes[route.Nodes.Count / 2];
        Console.WriteLine($"seeding {disruptionShipments} shipments in transit through {closed} ...");
        // Departed 12 h ago, or half-way to the closed node when it is nearer than 24 h: the node is still ahead of every
        // one of them, passed within the closure's days.
        var toClosed = route.Hours.Take(route.Nodes.Count / 2).Sum();
        var departedAt = now.AddHours(-Math.Min(12, toClosed / 2));
        var moving = Enumerable.Range(0, disruptionShipments)
            .Select(i => Shipment(route, i % Carriers, i, departedAt, departed: true)).ToList();
        await Seed(db, moving, "in_transit");
        var ids = moving.Select(m => m.Id).ToHashSet();
        _disruptionEta = new ConcurrentDictionary<Guid, long>();
        _disruptionException = new ConcurrentDictionary<Guid, long>();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        Console.WriteLine($"disruption: {closed} closed {today:yyyy-MM-dd} to {today.AddDays(10):yyyy-MM-dd} ...");
        var cpu2 = memory.CpuSeconds();
        var t0 = Stopwatch.GetTimestamp();
        var opened = await api.Send(HttpMethod.Post, admin, "api/network/disruptions", new
        {
            nodeId = closed, from = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            to = today.AddDays(10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), reason = $"load run {workload.RunId}: {closed} closed",
        });
        if (opened.Status != 201) throw new InvalidOperationException($"POST /api/network/disruptions answered {opened.Status}");
        var disruptionId = opened.Body?["id"]?.GetValue<string>();
        // The closure is handled in one transaction: nothing is seen until it commits, however long that takes, so the
        // wait gives up only 20 s after the waits are stored and the events stop coming (or after 180 s in all).
        var wait = Stopwatch.StartNew();
        var lastCount = -1L;
        var still = Stopwatch.StartNew();
        var disruptionGuid = Guid.Parse(disruptionId ?? Guid.Empty.ToString());
        double? waitsStoredSeconds = null;
        while (wait.Elapsed < TimeSpan.FromSeconds(180))
        {
            var etaCount = _disruptionEta.Keys.Count(ids.Contains);
            var excCount = _disruptionException.Keys.Count(ids.Contains);
            if (waitsStoredSeconds is null && await Scalar(db, "SELECT count(*) FROM shipment_disruptions WHERE disruption_id = @d", ("d", disruptionGuid)) > 0)
                waitsStoredSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            if (etaCount == ids.Count && excCount == ids.Count) break;
            if (etaCount + excCount != lastCount) { lastCount = etaCount + excCount; still.Restart(); }
            else if (waitsStoredSeconds is not null && still.Elapsed > TimeSpan.FromSeconds(20)) break;
            await Task.Delay(100);
        }
        double? Last(ConcurrentDictionary<Guid, long> seen) =>
            seen.Where(p => ids.Contains(p.Key)).Select(p => (double?)Stopwatch.GetElapsedTime(t0, p.Value).TotalSeconds).Max();
        var etaSeen = _disruptionEta.Keys.Count(ids.Contains);
        var excSeen = _disruptionException.Keys.Count(ids.Contains);
        var lastEta = Last(_disruptionEta);
        var lastException = Last(_disruptionException);
        var storedWaits = await Scalar(db, "SELECT count(*) FROM shipment_disruptions WHERE disruption_id = @d", ("d", disruptionGuid));
        var disruptionCpu = memory.CpuSeconds().ToDictionary(c => c.Key, c => Math.Round(c.Value - cpu2.GetValueOrDefault(c.Key), 2));
        Console.WriteLine($"  eta_changed for {etaSeen} of {ids.Count}, last at {lastEta:0.00} s; shipment.exception for {excSeen}, " +
                          $"last at {lastException:0.00} s; {storedWaits} waits stored, committed at {waitsStoredSeconds:0.00} s");

        // Lift it and take the seeded shipments out of later runs' way.
        if (disruptionId is not null) await api.Send(HttpMethod.Delete, admin, $"api/network/disruptions/{disruptionId}");
        await Task.Delay(TimeSpan.FromSeconds(5));
        await Exec(db, "UPDATE shipments SET status = 'cancelled' WHERE deal_key LIKE @k AND status <> 'delivered'", ("k", $"bench:{workload.RunId}:%"));

        Result = new
        {
            batchedInsertBaseline = baselineResult,
            tracking = trackingResult,
            paced = pacedResult,
            disruption = new
            {
                shipments = ids.Count, node = closed, etaChanged = etaSeen, exceptions = excSeen, lastEtaChangedSeconds = lastEta,
                lastExceptionSeconds = lastException, waitsStored = storedWaits,
                waitsStoredSeconds = waitsStoredSeconds is { } w ? Math.Round(w, 2) : (double?)null, cpuSeconds = disruptionCpu,
            },
        };
    }

    // Each carrier keeps PerCarrierInFlight batches in flight, each worker on its own shipments; returns the events accepted.
    private async Task<long> FlatOut(PhaseStats phase, List<Seeded> tracked, double seconds)
    {
        long accepted = 0;
        phase.Clock.Start();
        await Task.WhenAll(Enumerable.Range(0, Carriers * PerCarrierInFlight).Select(w => Task.Run(async () =>
        {
            var carrier = w % Carriers;
            var mine = tracked.Where((s, i) => s.Carrier == carrier && i / Carriers % PerCarrierInFlight == w / Carriers).ToList();
            var k = 0;
            while (phase.Clock.Elapsed.TotalSeconds < seconds)
                Interlocked.Add(ref accepted, await PostBatch(phase, mine[k++ % mine.Count], null));
        })));
        phase.Clock.Stop();
        return accepted;
    }

    // Until the live events stop coming for 3 s (the outbox and the gateway have caught up), or the limit passes.
    private static async Task Quiet(LiveEvents events, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        var still = Stopwatch.StartNew();
        var last = events.Count;
        while (clock.Elapsed < limit && still.Elapsed < TimeSpan.FromSeconds(3))
        {
            await Task.Delay(100);
            if (events.Count != last) { last = events.Count; still.Restart(); }
        }
        Console.WriteLine($"  caught up in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static object Lat(Percentiles p) => new { p50 = Math.Round(p.P50, 1), p95 = Math.Round(p.P95, 1), p99 = Math.Round(p.P99, 1), max = Math.Round(p.Max, 1) };

    private sealed record RouteShape(List<string> Nodes, List<double> Hours, List<string> Modes);

    private async Task<RouteShape> Route(string from, string to)
    {
        var a = await api.Send(HttpMethod.Get, _carrierTokens[0], $"api/routes?from={from}&to={to}&objective=fastest&max=1");
        var legs = a.Body?["routes"]?[0]?["legs"]?.AsArray() ?? throw new InvalidOperationException($"GET /api/routes {from}-{to} answered {a.Status}");
        var nodes = new List<string> { from };
        var hours = new List<double>();
        var modes = new List<string>();
        foreach (var l in legs)
        {
            nodes.Add(l!["to"]!.GetValue<string>());
            hours.Add(l["hours"]!.GetValue<double>());
            modes.Add(l["mode"]!.GetValue<string>());
        }
        if (nodes.Count < 4) throw new InvalidOperationException($"the route {from}-{to} has fewer than three legs");
        return new RouteShape(nodes, hours, modes);
    }

    // Two legs of one carrier: origin to the route's middle node, and on to the destination, back to back (no slack),
    // so a departure d hours late moves the arrival by d hours.
    private Seeded Shipment(RouteShape route, int carrier, int index, DateTimeOffset departs, bool departed)
    {
        var split = route.Nodes.Count / 2;
        var legs = new List<JsonObject>();
        var at = departs;
        foreach (var (a, b) in new[] { (0, split), (split, route.Nodes.Count - 1) })
        {
            var hours = route.Hours.Skip(a).Take(b - a).Sum();
            var arrives = at.AddHours(hours);
            var leg = new JsonObject
            {
                ["from"] = route.Nodes[a], ["to"] = route.Nodes[b], ["mode"] = route.Modes[a], ["carrier"] = _carrierOrgs[carrier],
                ["nodes"] = new JsonArray(route.Nodes.Skip(a).Take(b - a + 1).Select(n => (JsonNode)n!).ToArray()),
                ["hours"] = hours, ["crossings"] = new JsonArray(), ["plannedDeparture"] = at, ["plannedArrival"] = arrives,
                ["estimatedDeparture"] = at, ["estimatedArrival"] = arrives, ["actualDeparture"] = null, ["actualArrival"] = null,
                ["disruptionHours"] = 0,
            };
            if (departed && a == 0) leg["actualDeparture"] = at;
            legs.Add(leg);
            at = arrives;
        }
        return new Seeded(Guid.CreateVersion7(), carrier, workload.SmeOrg(index % workload.SmeTokens.Length), legs, departs, at);
    }

    private async Task Seed(NpgsqlDataSource db, List<Seeded> shipments, string status)
    {
        const string sql = """
            INSERT INTO shipments (id, deal_key, cargo_offer_id, shipper_org, carrier_orgs, status, origin, destination,
                deliver_by, container_count, container_type, legs, planned_arrival, estimated_arrival, position_location,
                position_since, booked_at)
            SELECT s.id, 'bench:' || @run || ':' || s.id, gen_random_uuid(), s.shipper, ARRAY[s.carrier], @status, @origin,
                @destination, (s.arrives + interval '30 days')::date, 1, '40HC', s.legs::jsonb, s.arrives, s.arrives,
                CASE WHEN @status = 'in_transit' THEN @origin END, CASE WHEN @status = 'in_transit' THEN s.departs END, now()
            FROM unnest(@ids, @shippers, @carriers, @legs, @departs, @arrives) AS s(id, shipper, carrier, legs, departs, arrives)
            """;
        const string departures = """
            INSERT INTO tracking_events (shipment_id, event_id, type, classifier, location, event_time, leg_index, carrier_org, recorded_at)
            SELECT s.id, 'seed-' || s.id, 'DEPA', 'ACT', @origin, s.departs, 0, s.carrier, now()
            FROM unnest(@ids, @carriers, @departs) AS s(id, carrier, departs)
            """;
        foreach (var chunk in shipments.Chunk(1000))
        {
            await using var c = await db.OpenConnectionAsync();
            await using var tx = await c.BeginTransactionAsync();
            var origin = chunk[0].Legs[0]["from"]!.GetValue<string>();
            var destination = chunk[0].Legs[^1]["to"]!.GetValue<string>();
            await using (var cmd = new NpgsqlCommand(sql, c, tx))
            {
                cmd.Parameters.AddWithValue("run", workload.RunId);
                cmd.Parameters.AddWithValue("status", status);
                cmd.Parameters.AddWithValue("origin", origin);
                cmd.Parameters.AddWithValue("destination", destination);
                cmd.Parameters.AddWithValue("ids", chunk.Select(s => s.Id).ToArray());
                cmd.Parameters.AddWithValue("shippers", chunk.Select(s => s.Shipper).ToArray());
                cmd.Parameters.AddWithValue("carriers", chunk.Select(s => _carrierOrgs[s.Carrier]).ToArray());
                cmd.Parameters.AddWithValue("legs", chunk.Select(s => new JsonArray(s.Legs.Select(l => (JsonNode)l.DeepClone()).ToArray()).ToJsonString()).ToArray());
                cmd.Parameters.AddWithValue("departs", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, chunk.Select(s => s.PlannedDeparture.UtcDateTime).ToArray());
                cmd.Parameters.AddWithValue("arrives", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, chunk.Select(s => s.PlannedArrival.UtcDateTime).ToArray());
                await cmd.ExecuteNonQueryAsync();
            }
            if (status == "in_transit")
            {
                await using var cmd = new NpgsqlCommand(departures, c, tx);
                cmd.Parameters.AddWithValue("origin", origin);
                cmd.Parameters.AddWithValue("ids", chunk.Select(s => s.Id).ToArray());
                cmd.Parameters.AddWithValue("carriers", chunk.Select(s => _carrierOrgs[s.Carrier]).ToArray());
                cmd.Parameters.AddWithValue("departs", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, chunk.Select(s => s.PlannedDeparture.UtcDateTime).ToArray());
                await cmd.ExecuteNonQueryAsync();
            }
            await tx.CommitAsync();
        }
    }

    /// <summary>
    /// One batch of 100 events on one shipment's first leg: 99 gate, load and customs events at its nodes and one
    /// departure from its origin, alternately 3 h and 7 h late, so every batch moves the estimated arrival by 4 h
    /// (the first by 3 h). Returns the events accepted.
    /// </summary>
    private async Task<int> PostBatch(PhaseStats phase, Seeded s, ConcurrentDictionary<Guid, long>? awaiting)
    {
        var n = Interlocked.Increment(ref s.Batches);
        var delay = n % 2 == 1 ? 3.0 : 7.0;
        var nodes = s.Legs[0]["nodes"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
        var events = new List<object>(BatchSize);
        for (var i = 0; i < BatchSize - 1; i++)
            events.Add(new
            {
                eventId = $"{workload.RunId}-{s.Id:N}-{n}-{i}", type = NonDepartureTypes[i % NonDepartureTypes.Length],
                location = nodes[i % nodes.Count], eventDateTime = s.PlannedDeparture.AddMinutes(-600 + i), classifier = "ACT",
            });
        events.Add(new
        {
            eventId = $"{workload.RunId}-{s.Id:N}-{n}-depa", type = "DEPA", location = nodes[0],
            eventDateTime = s.PlannedDeparture.AddHours(delay), classifier = "ACT",
        });
        var answer = await api.Send(HttpMethod.Post, _carrierTokens[s.Carrier], $"api/shipments/{s.Id}/events", new { events },
            sent: t => awaiting?.TryAdd(s.Id, t));
        phase.Of("shipments.events").Record(answer.Ms, answer.Status);
        if (answer.Status != 202)
        {
            awaiting?.TryRemove(s.Id, out _);
            if (awaiting is not null) _free.Enqueue(s);
            return 0;
        }
        s.LastDelayHours = delay;
        return answer.Body?["accepted"]?.AsArray().Count(a => a?["duplicate"]?.GetValue<bool>() == false) ?? 0;
    }

    private sealed record Check(long Stored, int Touched, long EstimatesRight);

    /// <summary>Every accepted event stored, and each touched shipment's estimated arrival moved by its last departure's delay.</summary>
    private async Task<Check> Applied(NpgsqlDataSource db, List<Seeded> tracked)
    {
        var touched = tracked.Where(s => s.Batches > 0).ToList();
        var stored = await Scalar(db, "SELECT count(*) FROM tracking_events WHERE event_id LIKE @p", ("p", workload.RunId + "-%"));
        await using var c = await db.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT count(*) FROM shipments s JOIN unnest(@ids, @expected) AS e(id, eta) ON s.id = e.id
            WHERE s.estimated_arrival = e.eta AND s.status = 'in_transit'
            """, c);
        cmd.Parameters.AddWithValue("ids", touched.Select(s => s.Id).ToArray());
        cmd.Parameters.AddWithValue("expected", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
            touched.Select(s => s.PlannedArrival.AddHours(s.LastDelayHours).UtcDateTime).ToArray());
        var right = (long)(await cmd.ExecuteScalarAsync())!;
        return new Check(stored, touched.Count, right);
    }

    private static async Task<long> Scalar(NpgsqlDataSource db, string sql, params (string Name, object Value)[] args)
    {
        await using var c = await db.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task Exec(NpgsqlDataSource db, string sql, params (string Name, object Value)[] args)
    {
        await using var c = await db.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value);
        await cmd.ExecuteNonQueryAsync();
    }
}
