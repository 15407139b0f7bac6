using System.Collections.Concurrent;
using System.Diagnostics;

namespace TradeHub.LoadGenerator;

/// <summary>Latencies and outcomes of one kind of request in one phase (values kept and sorted at the end).</summary>
public sealed class KindStats(string name)
{
    private readonly List<double> _ms = new(1 << 14);
    private readonly Lock _lock = new();
    public string Name { get; } = name;
    public ConcurrentDictionary<string, int> Errors { get; } = new();
    public int Ok { get; private set; }

    public void Record(double ms, int status)
    {
        if (status is >= 200 and < 300)
        {
            lock (_lock) { _ms.Add(ms); Ok++; }
        }
        else Errors.AddOrUpdate(status == 0 ? "network" : status.ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
    }

    public Percentiles Latency() { lock (_lock) return Percentiles.Of(_ms); }
    public int ErrorCount => Errors.Values.Sum();
}

public sealed record Percentiles(int Count, double P50, double P95, double P99, double Max)
{
    public static Percentiles Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return new Percentiles(0, double.NaN, double.NaN, double.NaN, double.NaN);
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new Percentiles(sorted.Length, At(0.50), At(0.95), At(0.99), sorted[^1]);
    }
}

/// <summary>All kinds of one phase, and its wall-clock span.</summary>
public sealed class PhaseStats(string name)
{
    public string Name { get; } = name;
    public ConcurrentDictionary<string, KindStats> Kinds { get; } = new();
    public Stopwatch Clock { get; } = new();
    public double Seconds => Clock.Elapsed.TotalSeconds;
    /// <summary>Paced starts that found every slot busy and had to wait (the target rate was not held).</summary>
    public int LateStarts;
    /// <summary>CPU seconds each service used during the phase (load and drain).</summary>
    public Dictionary<string, double> Cpu { get; set; } = new();
    /// <summary>CPU seconds of PostgreSQL, RabbitMQ and the whole machine during the phase (load and drain).</summary>
    public Dictionary<string, double> ServerCpu { get; set; } = new();
    /// <summary>Statements each service's database ran during the phase (load and drain); empty without pg_stat_statements.</summary>
    public Dictionary<string, double> Statements { get; set; } = new();
    public KindStats Of(string kind) => Kinds.GetOrAdd(kind, k => new KindStats(k));
}
