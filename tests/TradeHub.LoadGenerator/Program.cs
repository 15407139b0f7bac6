using System.Diagnostics;
using TradeHub.LoadGenerator;

// Load generator for TradeHub: baselines on the same servers, then a flat-out cargo ingest phase and a paced mixed
// phase with post-to-match timing over /api/events, and (--phases shipments) tracking events and a disruption. Exit codes: 0 ran, 2 could not run (bad options, no gateway).
Options options;
try { options = Options.Parse(args); }
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"error: {e.Message}\n{Options.Usage}");
    return 2;
}

using var api = new Api(options.Gateway, Math.Max(options.Concurrency, 16));
if (options.Webhooks || options.Pools)
{
    try
    {
        var health = await api.Send(HttpMethod.Get, null, "health/ready", parse: false);
        if (health.Status != 200) throw new InvalidOperationException($"the gateway at {options.Gateway} is not ready (GET /health/ready: {health.Status})");
        return options.Pools ? await new PoolBench(options, api).Run() : await new WebhookBench(options, api).Run();
    }
    catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 2;
    }
}
var report = new Report(options);
var workload = new Workload(options, api);
try
{
    var health = await api.Send(HttpMethod.Get, null, "health/ready", parse: false);
    if (health.Status != 200) throw new InvalidOperationException($"the gateway at {options.Gateway} is not ready (GET /health/ready: {health.Status})");

    if (options.Baselines)
    {
        var span = TimeSpan.FromSeconds(options.BaselineSeconds);
        Console.WriteLine($"baseline: PostgreSQL single-row commits, 8 connections, {span.TotalSeconds} s ...");
        report.Pg = await Baselines.PostgresCommits(options.PgConnection, span);
        Console.WriteLine($"  {report.Pg.PerSecond:0} commits/s");
        Console.WriteLine($"baseline: RabbitMQ persistent publish + confirm, vhost {options.AmqpVhost}, {span.TotalSeconds} s ...");
        report.Amqp = await Baselines.RabbitPublishes(options, span);
        Console.WriteLine($"  {report.Amqp.PerSecond:0} publishes/s");
    }

    Console.WriteLine($"signing in {options.SmeOrgs} SME and {options.CarrierOrgs} carrier organisations (run {workload.RunId}) ...");
    await workload.SignIn();
    var shipments = new ShipmentsBench(options, api, workload);
    await using var events = new LiveEvents(options.Gateway, (org, e) =>
    {
        workload.OnEvent(org, e);
        shipments.OnEvent(e);
    });
    for (var i = 0; i < workload.SmeTokens.Length; i++) events.Listen(i, workload.SmeTokens[i]);
    await events.WaitConnected(workload.SmeTokens.Length, TimeSpan.FromSeconds(15));
    var cargoPhases = options.Runs("ingest") || options.Runs("match");
    if (cargoPhases)
    {
        Console.WriteLine("warm-up: routes of one cargo offer per pair, capacity along each first route ...");
        await workload.WarmUp(TimeSpan.FromSeconds(60));
    }

    if (cargoPhases && options.WarmupSeconds > 0)
    {
        // A freshly started service spends a good part of its CPU re-compiling hot code (tiered JIT) in its first
        // minute under load; the figures are of a system that has been running, as a deployed one has.
        Console.WriteLine($"warm-up load: 50 cargo offers/s + mix for {options.WarmupSeconds} s (not measured) ...");
        var warm = new MatchStats();
        await Paced(workload, new PhaseStats("warm-up"), warm, 50, options, TimeSpan.FromSeconds(options.WarmupSeconds));
        await Drain(workload, warm, events, TimeSpan.FromSeconds(60));
    }

    await using var memory = new ProcessMemory(options.PidDir);
    report.Memory = memory;
    var phaseSeconds = options.Runs("ingest") && options.Runs("match") ? options.Duration / 2.0 : options.Duration;

    if (options.Runs("ingest"))
    {
        var phase = new PhaseStats("ingest");
        var matches = new MatchStats();
        Console.WriteLine($"phase ingest: cargo offers flat out, {options.Concurrency} in flight, {phaseSeconds:0} s ...");
        var cpu = memory.CpuSeconds();
        var serverCpu = ProcessMemory.ServerCpuSeconds();
        var statements = await Statements.Snapshot(options.PgConnection);
        phase.Clock.Start();
        var until = TimeSpan.FromSeconds(phaseSeconds);
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            while (phase.Clock.Elapsed < until) await workload.PostCargo(phase, matches);
        })));
        phase.Clock.Stop();
        report.Drain[phase.Name] = await Drain(workload, matches, events, TimeSpan.FromSeconds(90));
        phase.Cpu = memory.CpuSeconds().ToDictionary(c => c.Key, c => c.Value - cpu.GetValueOrDefault(c.Key));
        phase.ServerCpu = ProcessMemory.ServerCpuSeconds().ToDictionary(c => c.Key, c => c.Value - serverCpu.GetValueOrDefault(c.Key));
        phase.Statements = Statements.Since(statements, await Statements.Snapshot(options.PgConnection));
        report.Add(phase, matches);
    }

    if (options.Runs("match"))
    {
        var phase = new PhaseStats("match");
        var matches = new MatchStats();
        var cargoRate = options.Rate;
        Console.WriteLine(cargoRate > 0
            ? $"phase match: {cargoRate:0} cargo offers/s + {cargoRate * options.MixShare:0} other requests/s, at most {options.Concurrency} in flight, {phaseSeconds:0} s ..."
            : $"phase match: flat out mix, {options.Concurrency} in flight, {phaseSeconds:0} s ...");
        var cpu = memory.CpuSeconds();
        var serverCpu = ProcessMemory.ServerCpuSeconds();
        var statements = await Statements.Snapshot(options.PgConnection);
        await Paced(workload, phase, matches, cargoRate, options, TimeSpan.FromSeconds(phaseSeconds));
        report.Drain[phase.Name] = await Drain(workload, matches, events, TimeSpan.FromSeconds(60));
        phase.Cpu = memory.CpuSeconds().ToDictionary(c => c.Key, c => c.Value - cpu.GetValueOrDefault(c.Key));
        phase.ServerCpu = ProcessMemory.ServerCpuSeconds().ToDictionary(c => c.Key, c => c.Value - serverCpu.GetValueOrDefault(c.Key));
        phase.Statements = Statements.Since(statements, await Statements.Snapshot(options.PgConnection));
        report.Add(phase, matches);
    }
    if (options.Runs("shipments") || options.Runs("disruption"))
    {
        await shipments.Run(events, memory, options.Duration / 2.0, options.DisruptionShipments, tracking: options.Runs("shipments"));
        report.Shipments = shipments.Result;
    }
    report.Events = events.Count;
    Console.WriteLine($"withdrew {await workload.WithdrawCapacity()} capacity offers of this run");
}
catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

report.Print();
if (options.JsonFile is { } file)
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
    await File.WriteAllTextAsync(file, report.Json());
    Console.WriteLine($"JSON: {file}");
}
return 0;

// Waits until the cargo of a phase stops getting matched (no event for 10 s) or the limit passes; returns the seconds waited.
static async Task<double> Drain(Workload workload, MatchStats matches, LiveEvents events, TimeSpan limit)
{
    var clock = Stopwatch.StartNew();
    var lastCount = -1L;
    var still = Stopwatch.StartNew();
    while (clock.Elapsed < limit && workload.Awaiting(matches) > 0)
    {
        var count = events.Count;
        if (count != lastCount) { lastCount = count; still.Restart(); }
        else if (still.Elapsed > TimeSpan.FromSeconds(10)) break;
        await Task.Delay(100);
    }
    Console.WriteLine($"  drained in {clock.Elapsed.TotalSeconds:0.0} s; {matches.Matched} of {matches.Posted} cargo offers matched");
    return clock.Elapsed.TotalSeconds;
}

// Open loop: requests are started on schedule (cargo at rate, others at rate * mix), at most Concurrency at once;
// a start that had to wait for a free slot counts as late.
static async Task Paced(Workload workload, PhaseStats phase, MatchStats matches, double rate, Options options, TimeSpan span)
{
    var slots = new SemaphoreSlim(options.Concurrency);
    var running = new List<Task>();
    long cargo = 0, other = 0;
    phase.Clock.Start();
    while (phase.Clock.Elapsed < span)
    {
        var t = phase.Clock.Elapsed.TotalSeconds;
        var flatOut = rate <= 0;
        var cargoDue = flatOut ? 1 : (long)(t * rate) - cargo;
        var otherDue = flatOut ? (long)Math.Round(options.MixShare) : (long)(t * rate * options.MixShare) - other;
        for (var i = 0; i < cargoDue + otherDue; i++)
        {
            if (!slots.Wait(0))
            {
                Interlocked.Increment(ref phase.LateStarts);
                await slots.WaitAsync();
            }
            var isCargo = i < cargoDue;
            if (isCargo) cargo++; else other++;
            running.Add(Task.Run(async () =>
            {
                try { if (isCargo) await workload.PostCargo(phase, matches); else await workload.Other(phase); }
                finally { slots.Release(); }
            }));
        }
        if (running.Count > 4096) running.RemoveAll(x => x.IsCompleted);
        if (!flatOut) await Task.Delay(1);
    }
    await Task.WhenAll(running);
    phase.Clock.Stop();
}
