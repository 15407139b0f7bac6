using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace TradeHub.LoadGenerator;

/// <summary>Samples VmRSS of each service process every half second; keeps the maximum per service.</summary>
public sealed class ProcessMemory : IAsyncDisposable
{
    private static readonly string[] DefaultServices = ["listings", "routing", "matching", "gateway", "shipments", "webhooks", "tenders", "pools"];
    private readonly Dictionary<string, int> _pids = new();
    private readonly ConcurrentDictionary<string, long> _maxKb = new();
    private readonly ConcurrentDictionary<string, long> _startKb = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ProcessMemory(string? pidDir, IReadOnlyList<string>? services = null)
    {
        foreach (var service in services ?? DefaultServices)
        {
            var pid = FromPidFile(pidDir, service) ?? FromPgrep(service);
            if (pid is { } p) _pids[service] = p;
        }
        foreach (var (service, pid) in _pids)
            if (RssKb(pid) is { } kb) _startKb[service] = kb;
        _loop = Task.Run(Loop);
    }

    public IReadOnlyDictionary<string, int> Pids => _pids;
    public IReadOnlyDictionary<string, long> MaxKb => _maxKb;
    public IReadOnlyDictionary<string, long> StartKb => _startKb;

    private async Task Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            foreach (var (service, pid) in _pids)
                if (RssKb(pid) is { } kb) _maxKb.AddOrUpdate(service, kb, (_, old) => Math.Max(old, kb));
            try { await Task.Delay(500, _stop.Token); } catch (OperationCanceledException) { return; }
        }
    }

    private static int? FromPidFile(string? dir, string service)
    {
        if (dir is null) return null;
        var file = Path.Combine(dir, service + ".pid");
        return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var pid) && Directory.Exists($"/proc/{pid}") ? pid : null;
    }

    private static int? FromPgrep(string service)
    {
        try
        {
            var name = "TradeHub." + char.ToUpperInvariant(service[0]) + service[1..] + ".dll";
            using var p = Process.Start(new ProcessStartInfo("pgrep", ["-f", name]) { RedirectStandardOutput = true })!;
            var first = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            p.WaitForExit();
            return int.TryParse(first, out var pid) ? pid : null;
        }
        catch (System.ComponentModel.Win32Exception) { return null; }
    }

    /// <summary>CPU seconds (user + system) each service has used so far, from /proc/PID/stat.</summary>
    public Dictionary<string, double> CpuSeconds()
    {
        var result = new Dictionary<string, double>();
        foreach (var (service, pid) in _pids)
        {
            // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command; clock ticks of 1/100 s.
            if (Stat(pid) is { Fields: var fields })
                result[service] = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        return result;
    }

    /// <summary>
    /// CPU seconds of what the services run on: PostgreSQL (every postgres process, and what the postmaster's exited
    /// children used), RabbitMQ (beam.smp) and the whole machine (busy time of all cores, /proc/stat, the generator
    /// included). Other users of the same servers count too; on a shared machine read them as an upper bound.
    /// </summary>
    public static Dictionary<string, double> ServerCpuSeconds()
    {
        var result = new Dictionary<string, double>();
        double postgres = 0, rabbit = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            if (Stat(pid) is not { } stat) continue;
            var (comm, fields) = stat;
            if (comm == "postgres")
                // utime + stime; the postmaster (parent pid not postgres) also adds its reaped children's cutime + cstime.
                postgres += Ticks(fields, 11) + Ticks(fields, 12) + (IsPostmaster(fields) ? Ticks(fields, 13) + Ticks(fields, 14) : 0);
            else if (comm == "beam.smp")
                rabbit += Ticks(fields, 11) + Ticks(fields, 12);
        }
        result["postgresql"] = postgres / 100.0;
        result["rabbitmq"] = rabbit / 100.0;
        try
        {
            // cpu  user nice system idle iowait irq softirq steal ...: busy = user + nice + system + irq + softirq
            // (not idle, not waiting for I/O, not the time the hypervisor gave to other guests).
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
                .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            result["machine"] = (cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6]) / 100.0;
        }
        catch (IOException) { }
        return result;

        static double Ticks(string[] fields, int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        static bool IsPostmaster(string[] fields) =>
            int.TryParse(fields[1], out var parent) && Stat(parent) is not { Comm: "postgres" };
    }

    /// <summary>The command name and the fields after it of /proc/PID/stat (field 3, the state, is index 0).</summary>
    private static (string Comm, string[] Fields)? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var open = stat.IndexOf('(');
            var close = stat.LastIndexOf(')');
            return (stat[(open + 1)..close], stat[(close + 2)..].Split(' '));
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static long? RssKb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
