using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using StandardWebhooks;

namespace TradeHub.LoadGenerator;

/// <summary>
/// Webhook delivery of the running system (--webhooks): receivers in this process, subscriptions made through the
/// gateway, cargo offers posted whose routes.changed events fan out to every receiver. Phases: the sustained rate
/// (offered more than is delivered), p50/p99 at half that rate, the same rate with one receiver hanging, and the
/// same rate again with every receiver answering: the hanging phase is judged against the phases on either side of
/// it, so what the tables and the machine drift through in a minute is not taken for the hanging receiver's doing.
/// Baseline in the same run: the same receivers posted to directly, as many requests in flight as the dispatcher may
/// have, signed the same way: what this machine's loopback HTTP does without TradeHub in between.
/// </summary>
public sealed class WebhookBench(Options options, Api api)
{
    private const int DirectInFlight = 256;

    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web)
        { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private readonly string _run = DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..4];
    private readonly DateOnly _today = DateOnly.FromDateTime(DateTime.UtcNow);
    private readonly int _base = 20 + Random.Shared.Next(360);
    private string[] _tokens = [];
    private readonly ConcurrentBag<(int Org, string Id)> _subscriptions = [];

    /// <summary>One organisation per subscription a receiver has: each organisation subscribes once at every receiver.</summary>
    private int Orgs => options.SubscriptionsPerReceiver;
    private int FanOut => options.Receivers;

    public sealed record PhaseResult(
        string Name, DateTime Start, DateTime End, int CargoPosted, int PostErrors, double OfferedPerSecond, int Events, long Deliveries,
        int Duplicates, int Incomplete, double DeliveredPerSecond, double LastAfterEndSeconds, Percentiles All, Percentiles Others,
        Dictionary<string, double> Cpu, int Hung);

    public async Task<int> Run()
    {
        var json = new Dictionary<string, object?>();
        BaselineResult? pg = null;
        if (options.Baselines)
        {
            Console.WriteLine($"baseline: PostgreSQL single-row commits, 8 connections, {options.BaselineSeconds} s ...");
            pg = await Baselines.PostgresCommits(options.PgConnection, TimeSpan.FromSeconds(options.BaselineSeconds));
            Console.WriteLine($"  {pg.PerSecond:0} commits/s");
        }

        await using var receivers = await WebhookReceivers.Start(options.Receivers);
        Console.WriteLine($"{options.Receivers} receivers on ports {receivers.Ports.Min()}-{receivers.Ports.Max()} (one Kestrel server, one port each)");
        var direct = await Direct(receivers, TimeSpan.FromSeconds(Math.Max(3, options.BaselineSeconds / 2)));
        Console.WriteLine($"baseline: direct signed POSTs to the receivers, {DirectInFlight} in flight: {direct.PerSecond:0} /s");

        Console.WriteLine($"signing in {Orgs} SME organisations (run {_run}); each subscribes (events [\"*\"]) once at every receiver ...");
        _tokens = await Task.WhenAll(Enumerable.Range(0, Orgs).Select(i => api.Token($"load-wh-{i}-{_run}", "sme")));
        var secrets = new string[Orgs * FanOut];
        try
        {
            await Subscribe(receivers, secrets);
            receivers.UseSecrets(secrets);
            Console.WriteLine($"  {secrets.Length} subscriptions, {FanOut} deliveries per event");

            await using var memory = new ProcessMemory(options.PidDir, ["webhooks", "routing", "listings", "gateway", "matching"]);
            if (options.WarmupSeconds > 0)
            {
                Console.WriteLine($"warm-up: 5 cargo offers/s for {options.WarmupSeconds} s (not measured) ...");
                await Phase("warm-up", receivers, memory, 5, options.WarmupSeconds);
            }
            var offered = options.WebhookRate;
            Console.WriteLine($"phase sustained: {offered:0} cargo offers/s ({offered * FanOut:0} deliveries/s offered) for {options.Duration} s ...");
            var max = await Phase("sustained", receivers, memory, offered, options.Duration);
            Print(max);
            var half = Math.Max(1, max.DeliveredPerSecond / 2 / FanOut);
            Console.WriteLine($"phase half: {half:0.0} cargo offers/s ({half * FanOut:0} deliveries/s) for {options.Duration} s ...");
            var normal = await Phase("half", receivers, memory, half, options.Duration);
            Print(normal);
            receivers.Hanging = 0;
            Console.WriteLine($"phase hanging: the same rate, receiver 0 (port {receivers.Ports[0]}) never answers ...");
            var hanging = await Phase("hanging", receivers, memory, half, options.Duration);
            receivers.Hanging = -1;
            Print(hanging);
            // The hung requests end at the dispatcher's timeout; the control starts once they have.
            await Task.Delay(TimeSpan.FromSeconds(16));
            Console.WriteLine($"phase after: the same rate, every receiver answering again ...");
            var after = await Phase("after", receivers, memory, half, options.Duration);
            Print(after);

            var control = (normal.Others.P99 + after.Others.P99) / 2;
            var ratio = hanging.Others.P99 / control;
            var sb = new StringBuilder();
            sb.AppendLine();
            sb.AppendLine($"webhook delivery, {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
            sb.AppendLine($"  {options.Receivers} receivers x {options.SubscriptionsPerReceiver} subscriptions, {FanOut} deliveries per routes.changed event");
            sb.AppendLine($"  sustained: {max.DeliveredPerSecond:0} deliveries/s ({max.OfferedPerSecond:0} offered; last delivery {max.LastAfterEndSeconds:0.0} s after the phase)");
            sb.AppendLine($"  vs direct POSTs to the same receivers: {direct.PerSecond:0} /s, ratio {max.DeliveredPerSecond / direct.PerSecond:0.00}");
            if (pg is not null) sb.AppendLine($"  vs PostgreSQL single-row commits: {pg.PerSecond:0} /s, ratio {max.DeliveredPerSecond / pg.PerSecond:0.00}");
            sb.AppendLine($"  at half ({normal.DeliveredPerSecond:0} deliveries/s): event-to-delivery p50 {normal.All.P50:0} ms, p99 {normal.All.P99:0} ms, max {normal.All.Max:0} ms");
            sb.AppendLine($"  receivers 1..{options.Receivers - 1}: p99 {normal.Others.P99:0} ms before, {after.Others.P99:0} ms after; with receiver 0 hanging {hanging.Others.P99:0} ms: ratio {ratio:0.00} to their mean, {hanging.Others.P99 / normal.Others.P99:0.00} to before (p50 {normal.Others.P50:0} / {after.Others.P50:0} -> {hanging.Others.P50:0} ms)");
            sb.AppendLine($"  signatures verified (StandardWebhooks, every {receivers.VerifyEvery}th delivery): {receivers.Verified} ok, {receivers.VerifyFailures} failed");
            var targets = new[]
            {
                ("sustained >= 1,000 deliveries/s", $"{max.DeliveredPerSecond:0} /s", max.DeliveredPerSecond >= 1000),
                ("p99 <= 1 s at half the sustained rate", $"{normal.All.P99:0} ms", normal.All.P99 <= 1000),
                ("others' p99, one receiver hanging, within 20 % of before/after", $"{(ratio - 1) * 100:+0;-0} %", ratio < 1.2),
                ("every signature checked verifies", $"{receivers.VerifyFailures} failed", receivers.VerifyFailures == 0 && receivers.Verified > 0),
            };
            foreach (var (name, measured, met) in targets) sb.AppendLine($"  target {name,-64} {measured,-12} {(met ? "met" : "NOT met")}");
            Console.Write(sb.ToString());

            json["started"] = DateTime.UtcNow;
            json["machine"] = new { cores = Environment.ProcessorCount, loadAverage = LoadAverage() };
            json["settings"] = new { options.Receivers, options.SubscriptionsPerReceiver, fanOut = FanOut, offeredCargoPerSecond = offered, options.Duration };
            json["baselines"] = new { directPerSecond = Math.Round(direct.PerSecond), pgCommitsPerSecond = pg is null ? (double?)null : Math.Round(pg.PerSecond) };
            json["phases"] = new[] { max, normal, hanging, after }.Select(Json).ToList();
            json["hangingP99Ratio"] = Math.Round(ratio, 3);
            json["signatures"] = new { verified = receivers.Verified, failed = receivers.VerifyFailures };
            json["targets"] = targets.Select(t => new { name = t.Item1, measured = t.Item2, met = t.Item3 });
            json["maxRssMb"] = memory.MaxKb.ToDictionary(m => m.Key, m => Math.Round(m.Value / 1024.0, 1));
        }
        finally
        {
            Console.WriteLine($"deleting the run's {_subscriptions.Count} subscriptions ...");
            await Parallel.ForEachAsync(_subscriptions, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (s, _) =>
                await api.Send(HttpMethod.Delete, _tokens[s.Org], $"api/webhooks/{s.Id}", parse: false));
        }
        if (options.JsonFile is { } file)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(json, ReportJson));
            Console.WriteLine($"JSON: {file}");
        }
        return 0;
    }

    /// <summary>Subscription number org * receivers + receiver: organisation org's subscription at that receiver.</summary>
    private async Task Subscribe(WebhookReceivers receivers, string[] secrets)
    {
        var failures = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, secrets.Length), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (n, _) =>
        {
            var (org, receiver) = (n / FanOut, n % FanOut);
            var a = await api.Send(HttpMethod.Post, _tokens[org], "api/webhooks",
                new { url = receivers.Url(receiver, n), events = new[] { "*" }, description = $"load run {_run}" }, idempotencyKey: true);
            if (a.Status != 201 || a.Body?["secret"]?.GetValue<string>() is not { } secret || a.Body["id"]?.GetValue<string>() is not { } id)
            {
                Interlocked.Increment(ref failures);
                return;
            }
            secrets[n] = secret;
            _subscriptions.Add((org, id));
        });
        if (failures > 0) throw new InvalidOperationException($"{failures} of {secrets.Length} subscriptions were refused (POST /api/webhooks)");
    }

    /// <summary>
    /// Posts cargo offers at the rate for the span (open loop), then waits until the phase's events have reached
    /// every receiver that answers (or nothing arrived for 10 s). The phase's deliveries are those of events that
    /// happened from its start until the next phase's (the phases do not overlap).
    /// </summary>
    private async Task<PhaseResult> Phase(string name, WebhookReceivers receivers, ProcessMemory memory, double rate, int seconds)
    {
        var cpu = memory.CpuSeconds().Concat(ProcessMemory.ServerCpuSeconds()).ToDictionary();
        var start = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var slots = new SemaphoreSlim(options.Concurrency);
        var running = new List<Task>();
        int posted = 0, errors = 0, started = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            var due = (int)(clock.Elapsed.TotalSeconds * rate) - started;
            for (var i = 0; i < due; i++)
            {
                await slots.WaitAsync();
                var org = started++ % Orgs;
                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        var a = await api.Send(HttpMethod.Post, _tokens[org], "api/cargo-offers", Cargo(), idempotencyKey: true, parse: false);
                        if (a.Status == 201) Interlocked.Increment(ref posted); else Interlocked.Increment(ref errors);
                    }
                    finally { slots.Release(); }
                }));
            }
            if (running.Count > 4096) running.RemoveAll(t => t.IsCompleted);
            await Task.Delay(2);
        }
        await Task.WhenAll(running);
        var end = DateTime.UtcNow;

        // Drain: every event of the phase at every receiver that answers, or 10 s without a new delivery.
        var answering = receivers.Hanging >= 0 ? FanOut - 1 : FanOut;
        var lastCount = receivers.Count;
        var still = Stopwatch.StartNew();
        var limit = Stopwatch.StartNew();
        while (limit.Elapsed < TimeSpan.FromSeconds(180))
        {
            await Task.Delay(250);
            var count = receivers.Count;
            if (count != lastCount) { lastCount = count; still.Restart(); }
            else if (still.Elapsed > TimeSpan.FromSeconds(10)) break;
            var mine = Of(receivers, start);
            if (mine.Count >= (long)posted * answering && still.Elapsed > TimeSpan.FromSeconds(2)) break;
        }
        var used = memory.CpuSeconds().Concat(ProcessMemory.ServerCpuSeconds()).ToDictionary(c => c.Key, c => Math.Round(c.Value - cpu.GetValueOrDefault(c.Key), 2));

        var arrivals = Of(receivers, start);
        var first = new Dictionary<(int, string), Arrival>();
        var duplicates = 0;
        foreach (var a in arrivals)
        {
            if (first.TryGetValue((a.Subscription, a.WebhookId), out var seen))
            {
                duplicates++;
                if (a.At < seen.At) first[(a.Subscription, a.WebhookId)] = a;
            }
            else first[(a.Subscription, a.WebhookId)] = a;
        }
        var unique = first.Values.ToList();
        var events = unique.Select(a => a.WebhookId).Distinct().Count();
        var incomplete = unique.GroupBy(a => a.WebhookId).Count(g => g.Count() < answering);
        var span = unique.Count > 1 ? (unique.Max(a => a.At) - unique.Min(a => a.At)).TotalSeconds : double.NaN;
        var lat = unique.Select(a => (a.At - a.EventAt).TotalMilliseconds).ToList();
        var others = unique.Where(a => a.Receiver != 0).Select(a => (a.At - a.EventAt).TotalMilliseconds).ToList();
        var result = new PhaseResult(name, start, end, posted, errors, posted * (double)FanOut / seconds, events, unique.Count, duplicates,
            incomplete, unique.Count / span, unique.Count > 0 ? (unique.Max(a => a.At) - end).TotalSeconds : double.NaN,
            Percentiles.Of(lat), Percentiles.Of(others), used, receivers.Hung);
        _phaseStarts.Add(start);
        return result;
    }

    private readonly List<DateTime> _phaseStarts = [];

    /// <summary>Deliveries of events that happened from this start on (later phases' starts bound the earlier ones).</summary>
    private List<Arrival> Of(WebhookReceivers receivers, DateTime start) =>
        receivers.Arrivals.Where(a => a.EventAt >= start && !_phaseStarts.Any(s => s > start && a.EventAt >= s)).ToList();

    private static void Print(PhaseResult p)
    {
        Console.WriteLine($"  {p.CargoPosted} cargo offers posted ({p.PostErrors} refused), {p.Events} events, {p.Deliveries} deliveries " +
                          $"({p.Duplicates} repeated, {p.Incomplete} events short of a receiver), {p.DeliveredPerSecond:0} /s over " +
                          $"first to last; last {p.LastAfterEndSeconds:0.0} s after the posting stopped");
        Console.WriteLine($"  event-to-delivery p50 {p.All.P50:0} ms, p95 {p.All.P95:0} ms, p99 {p.All.P99:0} ms, max {p.All.Max:0} ms; " +
                          $"receivers other than 0: p50 {p.Others.P50:0} ms, p99 {p.Others.P99:0} ms" + (p.Hung > 0 ? $"; {p.Hung} requests left hanging so far" : ""));
        Console.WriteLine("  CPU seconds: " + string.Join(", ", p.Cpu.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value:0.0}")) +
                          (p.Cpu.TryGetValue("webhooks", out var w) && p.Deliveries > 0 ? $"; webhooks {w * 1000 / p.Deliveries:0.00} ms per delivery" : ""));
    }

    private static object Json(PhaseResult p)
    {
        object Lat(Percentiles l) => new { count = l.Count, p50 = Math.Round(l.P50, 1), p95 = Math.Round(l.P95, 1), p99 = Math.Round(l.P99, 1), max = Math.Round(l.Max, 1) };
        return new
        {
            name = p.Name, cargoPosted = p.CargoPosted, postErrors = p.PostErrors, offeredPerSecond = Math.Round(p.OfferedPerSecond),
            events = p.Events, deliveries = p.Deliveries, duplicates = p.Duplicates, incompleteEvents = p.Incomplete,
            deliveredPerSecond = Math.Round(p.DeliveredPerSecond), lastAfterEndSeconds = Math.Round(p.LastAfterEndSeconds, 1),
            eventToDeliveryMs = Lat(p.All), otherReceiversMs = Lat(p.Others), cpuSeconds = p.Cpu, hung = p.Hung,
        };
    }

    /// <summary>The same receivers posted to directly, signed as the service signs: the ceiling without TradeHub.</summary>
    private static async Task<BaselineResult> Direct(WebhookReceivers receivers, TimeSpan span)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = 8 });
        var signer = new StandardWebhook("whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var body = JsonSerializer.Serialize(new { type = "routes.changed", timestamp = DateTimeOffset.UtcNow, data = new { status = "ready", routes = Enumerable.Range(0, 3).Select(i => new { id = Guid.NewGuid(), legs = new[] { new { from = "CNTSN", to = "KZALA", mode = "rail", hours = 96.5 } } }) } });
        long count = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, DirectInFlight).Select(async i =>
        {
            while (clock.Elapsed < span)
            {
                var id = $"msg_{Guid.NewGuid():N}";
                var now = DateTimeOffset.UtcNow;
                using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{receivers.Ports[i % receivers.Ports.Count]}/hooks/-1");
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                request.Headers.TryAddWithoutValidation("webhook-id", id);
                request.Headers.TryAddWithoutValidation("webhook-timestamp", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
                request.Headers.TryAddWithoutValidation("webhook-signature", signer.Sign(id, now, body));
                using var response = await http.SendAsync(request);
                if (response.IsSuccessStatusCode) Interlocked.Increment(ref count);
            }
        }));
        return new BaselineResult("direct_posts", $"signed POSTs straight to the receivers, {DirectInFlight} in flight, 8 connections per receiver", count, clock.Elapsed.TotalSeconds);
    }

    private string Date(int days) => _today.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // Cargo on a routable pair (Tianjin to Tashkent); no capacity is posted, so the events are routes.changed only.
    private object Cargo() => new
    {
        origin = "CNTSN", destination = "UZTAS", readyDate = Date(_base + Random.Shared.Next(0, 4)), deliverBy = Date(_base + 70),
        containers = new { count = 1, type = "40HC" }, weightKg = 9_000, hsCode = "847989",
        description = "webhook load generator cargo", targetPrice = new { amount = 4_000, currency = "USD" },
    };

    private static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "?"; }
    }
}
