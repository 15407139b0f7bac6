using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TradeHub.LoadGenerator;

/// <summary>The figures of a run as a table and as JSON, each system figure also as a ratio to its baseline.</summary>
public sealed class Report(Options options)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly List<(PhaseStats Phase, MatchStats Matches)> _phases = [];
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    public BaselineResult? Pg { get; set; }
    public BaselineResult? Amqp { get; set; }
    public ProcessMemory? Memory { get; set; }
    public Dictionary<string, double> Drain { get; } = new();
    public long Events { get; set; }
    /// <summary>The shipments phase's figures (ShipmentsBench), as they go into the JSON.</summary>
    public object? Shipments { get; set; }

    public void Add(PhaseStats phase, MatchStats matches) => _phases.Add((phase, matches));

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private (PhaseStats Phase, MatchStats Matches)? Find(string name) =>
        _phases.FirstOrDefault(p => p.Phase.Name == name) is { Phase: not null } f ? f : null;

    /// <summary>Cargo offers created per second in the flat-out ingest phase.</summary>
    public double? IngestRate => Find("ingest") is { } i ? i.Phase.Of("cargo.post").Ok / i.Phase.Seconds : null;

    /// <summary>Cargo offers matched per second through the whole pipeline (first post sent to last match.proposed) in the ingest phase.</summary>
    public double? PipelineRate => Find("ingest") is { } i && i.Matches.Matched > 0
        ? i.Matches.Matched / Stopwatch.GetElapsedTime(i.Matches.FirstSent, i.Matches.LastMatched).TotalSeconds
        : null;

    public Percentiles? MatchLatency => Find("match") is { } m ? Percentiles.Of(m.Matches.FromSent) : null;

    /// <summary>Each service's CPU milliseconds per cargo offer posted in the phase (empty when none was posted).</summary>
    private static Dictionary<string, double> CpuPerOffer(Dictionary<string, double> cpu, MatchStats matches) =>
        matches.Posted == 0
            ? []
            : cpu.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary(c => c.Key, c => 1000 * c.Value / matches.Posted);

    private static Dictionary<string, double> StatementsPerOffer(Dictionary<string, double> statements, MatchStats matches) =>
        matches.Posted == 0
            ? []
            : statements.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary(c => c.Key, c => c.Value / matches.Posted);

    private static string F(double v, string format = "0.0") => double.IsNaN(v) ? "-" : v.ToString(format, Inv);

    public void Print()
    {
        var sb = new StringBuilder();
        sb.AppendLine();
        sb.AppendLine($"TradeHub load run {_started:yyyy-MM-dd HH:mm}Z against {options.Gateway} ({Environment.ProcessorCount} cores, load average {LoadAverage()})");
        foreach (var (phase, matches) in _phases)
        {
            sb.AppendLine();
            sb.AppendLine($"phase {phase.Name}: {phase.Seconds:0.0} s{(phase.LateStarts > 0 ? $", {phase.LateStarts} paced starts waited for a free slot" : "")}");
            sb.AppendLine($"  {"request",-14} {"ok",7} {"per s",8} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8}  errors");
            foreach (var k in phase.Kinds.Values.OrderBy(k => k.Name, StringComparer.Ordinal))
            {
                var l = k.Latency();
                var errors = k.Errors.IsEmpty ? "" : string.Join(" ", k.Errors.OrderBy(e => e.Key).Select(e => $"{e.Key}:{e.Value}"));
                sb.AppendLine($"  {k.Name,-14} {k.Ok,7} {F(k.Ok / phase.Seconds),8} {F(l.P50),8} {F(l.P95),8} {F(l.P99),8} {F(l.Max),8}  {errors}");
            }
            var fromSent = Percentiles.Of(matches.FromSent);
            var from201 = Percentiles.Of(matches.From201);
            sb.AppendLine($"  post-to-match ({matches.Matched} of {matches.Posted} cargo offers matched; drained {Drain.GetValueOrDefault(phase.Name):0.0} s after the phase):");
            sb.AppendLine($"    from request sent: p50 {F(fromSent.P50)} ms, p95 {F(fromSent.P95)} ms, p99 {F(fromSent.P99)} ms, max {F(fromSent.Max)} ms");
            sb.AppendLine($"    from 201 received: p50 {F(from201.P50)} ms, p95 {F(from201.P95)} ms, p99 {F(from201.P99)} ms");
            if (!matches.Timeline.IsEmpty)
                sb.AppendLine("    p50/p99 by when it was sent (5 s windows of the phase): " + string.Join(", ",
                    matches.Timeline.GroupBy(x => (int)(Stopwatch.GetElapsedTime(matches.FirstSent, x.Sent).TotalSeconds / 5))
                        .OrderBy(g => g.Key).Select(g => Percentiles.Of(g.Select(x => x.Ms)) is var p
                            ? $"{g.Key * 5}-{g.Key * 5 + 5} s {F(p.P50)}/{F(p.P99, "0")} ms" : "")));
            var routes = Percentiles.Of(matches.RoutesFromSent);
            sb.AppendLine($"  post-to-routes.changed ({routes.Count}): p50 {F(routes.P50)} ms, p95 {F(routes.P95)} ms, p99 {F(routes.P99)} ms");
            if (phase.Cpu.Count > 0)
                sb.AppendLine("  CPU seconds used in the phase and its drain: " +
                              string.Join(", ", phase.Cpu.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value:0.0}")));
            // A light load costs more per offer than a heavy one (nothing to batch, cold caches): shown per run.
            if (CpuPerOffer(phase.Cpu, matches) is { Count: > 0 } perOffer)
                sb.AppendLine("  CPU ms per cargo offer posted: " +
                              string.Join(", ", perOffer.Select(c => $"{c.Key} {c.Value:0.0}")) +
                              $" (the services together {perOffer.Values.Sum():0.0})");
            // What the whole pipeline costs: the servers' share and every core's busy time (the generator's too).
            if (CpuPerOffer(phase.ServerCpu, matches) is { Count: > 0 } server)
                sb.AppendLine("  and on the servers: " + string.Join(", ", server.Where(c => c.Key != "machine").Select(c => $"{c.Key} {c.Value:0.0}")) +
                              $"; the whole machine {server.GetValueOrDefault("machine"):0.0} ms of its cores per cargo offer");
            if (StatementsPerOffer(phase.Statements, matches) is { Count: > 0 } statements)
                sb.AppendLine("  statements per cargo offer (pg_stat_statements): " +
                              string.Join(", ", statements.Select(c => $"{c.Key} {c.Value:0.0}")) +
                              $" (all {statements.Values.Sum():0.0})");
        }
        sb.AppendLine();
        sb.AppendLine("baselines and ratios (same servers, same run):");
        sb.AppendLine($"  {"figure",-48} {"value",10} {"baseline",10} {"ratio",7}  target");
        foreach (var r in Ratios())
            sb.AppendLine($"  {r.Figure,-48} {F(r.Value, "0"),10} {F(r.Baseline, "0"),10} {F(r.Ratio, "0.00"),7}  {r.Target}");
        foreach (var t in Targets())
            sb.AppendLine($"  target {t.Name,-44} {t.Measured,-24} {(t.Met ? "met" : "NOT met")}");
        if (Memory is not null)
        {
            sb.AppendLine();
            sb.AppendLine("max RSS per service during the phases (MB; at start in brackets):");
            foreach (var (service, kb) in Memory.MaxKb.OrderBy(m => m.Key, StringComparer.Ordinal))
                sb.AppendLine($"  {service,-10} {kb / 1024.0,7:0} ({Memory.StartKb.GetValueOrDefault(service) / 1024.0:0})  pid {Memory.Pids[service]}");
            if (Memory.Pids.Count == 0) sb.AppendLine("  (no service process found: set TRADEHUB_SERVICE_DIR or TRADEHUB_DATA)");
        }
        Console.Write(sb.ToString());
    }


    private IEnumerable<(string Figure, double Value, double Baseline, double Ratio, string Target)> Ratios()
    {
        var pg = Pg?.PerSecond ?? double.NaN;
        var amqp = Amqp?.PerSecond ?? double.NaN;
        if (IngestRate is { } ingest) yield return ("cargo ingest /s vs PG single-row commits /s", ingest, pg, ingest / pg, ">= 0.40");
        if (PipelineRate is { } pipe) yield return ("post-to-match /s (ingest) vs AMQP confirmed /s", pipe, amqp, pipe / amqp, "");
        if (Find("match") is { } m)
        {
            var rate = m.Phase.Of("cargo.post").Ok / m.Phase.Seconds;
            yield return ("cargo /s in the match phase vs PG commits /s", rate, pg, rate / pg, "");
        }
    }

    private IEnumerable<(string Name, string Measured, bool Met)> Targets()
    {
        if (IngestRate is { } ingest && Pg is not null)
            yield return ("cargo ingest >= 40 % of PG commits", $"{ingest / Pg.PerSecond * 100:0} %", ingest >= 0.4 * Pg.PerSecond);
        if (MatchLatency is { Count: > 0 } l)
        {
            yield return ("post-to-match p50 <= 25 ms", $"{F(l.P50)} ms", l.P50 <= 25);
            yield return ("post-to-match p99 <= 100 ms", $"{F(l.P99)} ms", l.P99 <= 100);
        }
        if (Memory is { MaxKb.Count: > 0 })
        {
            var max = Memory.MaxKb.MaxBy(m => m.Value);
            yield return ("every service < 250 MB RSS", $"max {max.Key} {max.Value / 1024.0:0} MB", max.Value < 250 * 1024);
        }
    }

    public string Json()
    {
        object Lat(Percentiles p) => new { count = p.Count, p50 = Round(p.P50), p95 = Round(p.P95), p99 = Round(p.P99), max = Round(p.Max) };
        var doc = new
        {
            started = _started,
            gateway = options.Gateway.ToString(),
            machine = new { cores = Environment.ProcessorCount, loadAverage = LoadAverage(), os = System.Runtime.InteropServices.RuntimeInformation.OSDescription },
            settings = new { options.Rate, options.Duration, options.Concurrency, options.SmeOrgs, options.CarrierOrgs, options.MixShare, options.BaselineSeconds },
            baselines = new
            {
                pgCommitsPerSecond = Pg is null ? (double?)null : Round(Pg.PerSecond), pgMethod = Pg?.Method,
                amqpPublishesPerSecond = Amqp is null ? (double?)null : Round(Amqp.PerSecond), amqpMethod = Amqp?.Method,
            },
            phases = _phases.Select(p => new
            {
                name = p.Phase.Name,
                seconds = Round(p.Phase.Seconds),
                lateStarts = p.Phase.LateStarts,
                cpuSeconds = p.Phase.Cpu.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary(c => c.Key, c => Math.Round(c.Value, 2)),
                cpuMsPerCargoOffer = CpuPerOffer(p.Phase.Cpu, p.Matches).Concat(CpuPerOffer(p.Phase.ServerCpu, p.Matches))
                    .ToDictionary(c => c.Key, c => Math.Round(c.Value, 2)),
                statementsPerCargoOffer = StatementsPerOffer(p.Phase.Statements, p.Matches).ToDictionary(c => c.Key, c => Math.Round(c.Value, 2)),
                requests = p.Phase.Kinds.Values.OrderBy(k => k.Name, StringComparer.Ordinal).Select(k => new
                {
                    kind = k.Name, ok = k.Ok, perSecond = Round(k.Ok / p.Phase.Seconds), latencyMs = Lat(k.Latency()),
                    errors = k.Errors.OrderBy(e => e.Key).ToDictionary(e => e.Key, e => e.Value),
                }),
                postToMatch = new
                {
                    posted = p.Matches.Posted, matched = p.Matches.Matched, drainSeconds = Round(Drain.GetValueOrDefault(p.Phase.Name)),
                    fromSentMs = Lat(Percentiles.Of(p.Matches.FromSent)), from201Ms = Lat(Percentiles.Of(p.Matches.From201)),
                    routesChangedFromSentMs = Lat(Percentiles.Of(p.Matches.RoutesFromSent)),
                },
            }),
            pipelineMatchesPerSecond = PipelineRate is { } pr ? Round(pr) : (double?)null,
            ratios = Ratios().Select(r => new { figure = r.Figure, value = Round(r.Value), baseline = Round(r.Baseline), ratio = Math.Round(r.Ratio, 3), target = r.Target }),
            targets = Targets().Select(t => new { name = t.Name, measured = t.Measured, met = t.Met }),
            maxRssMb = Memory?.MaxKb.OrderBy(m => m.Key, StringComparer.Ordinal).ToDictionary(m => m.Key, m => Math.Round(m.Value / 1024.0, 1)),
            sseEvents = Events,
            shipments = Shipments,
        };
        return JsonSerializer.Serialize(doc, JsonOptions);
    }

    private static double Round(double v) => double.IsNaN(v) || double.IsInfinity(v) ? v : Math.Round(v, 2);

    private static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "?"; }
    }
}
