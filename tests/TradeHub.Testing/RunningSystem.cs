using System.Diagnostics;
using System.Text;

namespace TradeHub.Testing;

/// <summary>
/// The whole system as real processes: the services and the gateway, built in Release by
/// deploy/local/test.sh, on their own ports, databases and RabbitMQ virtual host, so a test run never
/// shares queues with a system started by up.sh. Every process it starts, it stops.
/// </summary>
public sealed class RunningSystem : IAsyncDisposable
{
    public static readonly string[] Services = ["listings", "routing", "matching", "shipments", "webhooks", "tenders", "pools"];

    /// <summary>The key the test rig gives Webhooks to encrypt signing secrets (base64 of 32 bytes; tests only).</summary>
    public const string WebhooksSecretKey = "dGVzdC1yaWctd2ViaG9va3Mta2V5LTMyLWJ5dGVzISE=";

    /// <summary>
    /// Extra configuration (NAME=value in environment form) per service ("webhooks") or per instance ("webhooks#2",
    /// applied after the service's), read when an instance starts.
    /// </summary>
    public Dictionary<string, Dictionary<string, string>> Settings { get; } = [];

    private readonly Dictionary<string, ServiceProcess> _processes = [];
    private readonly string _prefix;
    private readonly int _basePort;
    private int _instances = 1;

    public RunningSystem(string prefix, int basePort)
    {
        _prefix = prefix;
        // Two checkouts testing on one machine each set their own offset, so their systems never share a port.
        _basePort = basePort + int.Parse(Environment.GetEnvironmentVariable("TRADEHUB_TEST_PORT_OFFSET") ?? "0");
    }

    public string VirtualHost => _prefix;

    /// <summary>When set, every process exports its traces to this sink (OTLP over HTTP), quickly.</summary>
    public OtlpSink? Traces { get; init; }

    public Uri GatewayUrl => new($"http://127.0.0.1:{_basePort}/");
    public Uri ServiceUrl(string instance) => new($"http://127.0.0.1:{Port(instance)}/");
    public string DatabaseName(string service) => $"{_prefix}_{service}";

    /// <summary>Process names: "gateway", "listings", and "listings#2" for a second instance.</summary>
    public IReadOnlyCollection<string> Instances => _processes.Keys;

    public static int AmqpPort => int.Parse(Environment.GetEnvironmentVariable("TRADEHUB_AMQP_PORT") ?? "5673");
    public static int ManagementPort => int.Parse(Environment.GetEnvironmentVariable("TRADEHUB_RABBIT_MGMT_PORT") ?? "15673");

    private static (string Service, int Index) Parse(string instance) =>
        instance.Split('#') is [var service, var n] ? (service, int.Parse(n) - 1) : (instance, 0);

    private int Port(string instance)
    {
        var (service, index) = Parse(instance);
        var offset = service switch
        {
            "gateway" => 0,
            "listings" => 1,
            "routing" => 2,
            "matching" => 3,
            "shipments" => 4,
            "webhooks" => 5,
            "tenders" => 6,
            "pools" => 7,
            _ => throw new ArgumentOutOfRangeException(nameof(instance)),
        };
        return _basePort + offset + 10 * index;
    }

    private static string InstanceName(string service, int index) => index == 0 ? service : $"{service}#{index + 1}";

    /// <summary>Fresh databases and virtual host, then every service (N instances each, as competing consumers) and the gateway, ready.</summary>
    public async Task Start(int instancesPerService = 1)
    {
        _instances = instancesPerService;
        await RecreateVirtualHost();
        foreach (var service in Services) await TestDatabase.CreateFresh(DatabaseName(service));
        // The first instance migrates its database alone; the others start once it is ready.
        foreach (var service in Services) StartService(service);
        foreach (var service in Services) await WaitReady(service);
        for (var i = 1; i < instancesPerService; i++)
            foreach (var service in Services) StartService(InstanceName(service, i));
        StartService("gateway");
        foreach (var name in _processes.Keys) await WaitReady(name);
    }

    /// <summary>Starts (or restarts) one instance, e.g. "routing" or "routing#2".</summary>
    public void StartService(string instance)
    {
        var (service, _) = Parse(instance);
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Port(instance)}",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["RabbitMq__Host"] = "127.0.0.1",
            ["RabbitMq__Port"] = AmqpPort.ToString(),
            ["RabbitMq__VirtualHost"] = VirtualHost,
            // Each service as its own broker user, with only the permissions a deployment gives it.
            ["RabbitMq__Username"] = TestBroker.ServiceUsers[service].Name,
            ["RabbitMq__Password"] = TestBroker.ServiceUsers[service].Password,
            ["Auth__DevIssuer__Enabled"] = "true",
            ["Logging__LogLevel__Default"] = "Warning",
            // WaitReady asks five times a second; a failed check logged each time would push the lines that say why out
            // of the output a failure shows.
            ["Logging__LogLevel__Microsoft.Extensions.Diagnostics.HealthChecks"] = "Critical",
        };
        if (Traces is not null)
        {
            env["OTEL_EXPORTER_OTLP_ENDPOINT"] = Traces.EndpointFor(service);
            env["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
            env["OTEL_BSP_SCHEDULE_DELAY"] = "200";
        }
        if (service == "gateway")
        {
            // Tests drive one organisation hard, all from 127.0.0.1, and sign in often; the limiters have their own
            // tests in the gateway's suite.
            foreach (var limit in (string[])["PermitsPerSecond", "Burst", "AddressPermitsPerSecond", "AddressBurst",
                         "GlobalPermitsPerSecond", "GlobalBurst", "DevTokensPerMinute"])
                env[$"RateLimiting__{limit}"] = "100000";
            foreach (var s in Services)
            {
                for (var i = 0; i < _instances; i++)
                    env[$"ReverseProxy__Clusters__{s}__Destinations__{(i == 0 ? "primary" : $"instance{i + 1}")}__Address"] =
                        ServiceUrl(InstanceName(s, i)).ToString();
                env[$"Services__{char.ToUpperInvariant(s[0])}{s[1..]}"] = ServiceUrl(s).ToString().TrimEnd('/');
            }
        }
        else
        {
            env["ConnectionStrings__Database"] = TestDatabase.For(DatabaseName(service));
        }
        if (service == "webhooks")
        {
            env["Webhooks__SecretKey"] = WebhooksSecretKey;
            // The tests' receivers listen on loopback.
            env["Webhooks__AllowPrivateAddresses"] = "true";
        }
        foreach (var name in instance == service ? [service] : new[] { service, instance })
            if (Settings.TryGetValue(name, out var extra))
                foreach (var (key, value) in extra) env[key] = value;
        _processes.Remove(instance, out var old);
        old?.Dispose();
        var process = new ServiceProcess(instance, AssemblyPath(service), env);
        _processes[instance] = process;
        process.Start();
    }

    /// <summary>Stops one instance gracefully (SIGTERM), as a deployment would.</summary>
    public void Stop(string instance)
    {
        if (_processes.Remove(instance, out var process))
        {
            process.Stop();
            process.Dispose();
        }
    }

    /// <summary>Kills a service hard (SIGKILL), as a crash would.</summary>
    public void Kill(string service) => _processes[service].Kill();

    public async Task WaitReady(string service, TimeSpan? timeout = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        var url = new Uri(ServiceUrl(service), "health/ready");
        while (DateTime.UtcNow < deadline)
        {
            if (_processes[service].HasExited)
                throw new InvalidOperationException($"{service} exited during start-up:\n{_processes[service].Output}");
            try
            {
                if ((await http.GetAsync(url)).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{service} not ready at {url}:\n{_processes[service].Output}");
    }

    public string Output(string service) => _processes[service].Output;

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes.Values) process.Stop();
        foreach (var process in _processes.Values) process.Dispose();
        _processes.Clear();
        await Task.CompletedTask;
    }

    private async Task RecreateVirtualHost()
    {
        await TestBroker.RecreateVirtualHost(VirtualHost);
        await TestBroker.GrantServiceUsers(VirtualHost);
    }

    /// <summary>The service's built dll beside this test assembly's configuration (Release under test.sh).</summary>
    public static string AssemblyPath(string service)
    {
        var name = $"TradeHub.{char.ToUpperInvariant(service[0])}{service[1..]}";
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}")
            ? "Debug" : "Release";
        var path = Path.Combine(RepoRoot, "src", name[9..], name, "bin", configuration, "net10.0", $"{name}.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the solution first: {path} is missing.");
    }

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TradeHub.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("TradeHub.sln not found above the test assembly.");
        }
    }
}

/// <summary>One service process with its output kept for failure messages.</summary>
internal sealed class ServiceProcess(string name, string assembly, IReadOnlyDictionary<string, string> environment) : IDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;
    private volatile bool _ended;

    /// <summary>Ended and not about to be started again (see <see cref="StartAgainOnRestartCode"/>).</summary>
    public bool HasExited
    {
        get
        {
            var process = _process;
            if (process is null) return true;
            if (!process.HasExited) return false;
            return _ended || process.ExitCode != RestartExitCode;
        }
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public void Start()
    {
        var info = new ProcessStartInfo("dotnet", [assembly])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        foreach (var (key, value) in environment) info.Environment[key] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{name} did not start");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => StartAgainOnRestartCode(process);
        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>
    /// A supervisor's part, as Kubernetes, compose and up.sh play it: an instance that ends itself with the restart code
    /// (its bus stayed unhealthy, TradeHub.Hosting's BusWatchdog) is started again. A kill or a stop ends it with
    /// another code and leaves it ended.
    /// </summary>
    private void StartAgainOnRestartCode(Process exited)
    {
        if (_ended || !ReferenceEquals(exited, _process) || exited.ExitCode != RestartExitCode) return;
        exited.WaitForExit(); // the last lines of its output
        Append($"---- {name} ended with exit code {RestartExitCode}; started again ----");
        try
        {
            Start();
        }
        catch (Exception e) // an exception on the Exited event would end the test run; WaitReady reports it instead
        {
            Append($"---- {name} could not be started again: {e.Message} ----");
        }
    }

    /// <summary>TradeHub.Hosting.Messaging.BusWatchdog.RestartExitCode (the tests do not reference the hosting library).</summary>
    private const int RestartExitCode = 75;

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            if (_output.Length > 200_000) _output.Remove(0, 100_000);
            _output.AppendLine(line);
        }
    }

    public void Kill()
    {
        _ended = true;
        if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true);
        _process?.WaitForExit(10_000);
    }

    /// <summary>Graceful stop (SIGTERM), then a kill if it does not exit in time.</summary>
    public void Stop()
    {
        _ended = true;
        if (_process is null || _process.HasExited) return;
        Process.Start("kill", ["-TERM", _process.Id.ToString()])?.WaitForExit();
        if (!_process.WaitForExit(15_000)) _process.Kill(entireProcessTree: true);
    }

    public void Dispose()
    {
        _ended = true;
        _process?.Dispose();
    }
}
