using System.Diagnostics;

namespace TradeHub.Testing;

/// <summary>Stops and starts the local PostgreSQL and RabbitMQ through deploy/local/servers.sh (outage and kill tests).</summary>
public static class Servers
{
    public static Task Stop(string server) => Run("stop", server);

    public static Task Start(string server) => Run("start", server);

    private static async Task Run(string verb, string server)
    {
        var script = Path.Combine(RunningSystem.RepoRoot, "deploy", "local", "servers.sh");
        var info = new ProcessStartInfo("bash", [script, verb, server])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"servers.sh {verb} {server} failed ({process.ExitCode}): {await output}{await errors}");
    }
}
