using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace TradeHub.LoadGenerator;

/// <summary>Samples VmRSS of each service process every half second; keeps the maximum per service.</summary>
public sealed class ProcessMemory : IAsyncDisposable
{
    private static readonly string[] Services = ["listings", "routing", "matching", "gateway"];
    private readonly Dictionary<string, int> _pids = new();
    private readonly ConcurrentDictionary<string, long> _maxKb = new();
    private readonly ConcurrentDictionary<string, long> _startKb = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ProcessMemory(string? pidDir)
    {
        foreach (var service in Services)
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
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command; clock ticks of 1/100 s.
                result[service] = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
            }
            catch (IOException) { }
        }
        return result;
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
