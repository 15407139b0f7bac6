using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TradeHub.Hosting.Messaging;

/// <summary>
/// Ends the process with <see cref="RestartExitCode"/> when the bus has been unhealthy for Bus:RestartAfterSeconds
/// (default 60), so that its supervisor starts a fresh one: Kubernetes and compose restart the container, up.sh's
/// launcher and the tests' harness start the service again on this code.
/// <para>
/// A bus whose start overlapped a broker restart can wait for good for a receive endpoint that never becomes ready
/// ("Not ready: not started" long after the broker is back). Inside the process there is no way out of that state:
/// MassTransit's StopAsync does nothing to a bus that never started, and StartAsync joins the start already waiting.
/// A process that never consumes again holds its messages back, while a new process starts clean; the outbox and
/// the inbox make the restart safe. Degraded (some endpoints reconnecting) is left alone.
/// </para>
/// </summary>
public sealed class BusWatchdog(IBusControl bus, IConfiguration configuration, IHostApplicationLifetime lifetime, ILogger<BusWatchdog> log)
    : BackgroundService
{
    /// <summary>EX_TEMPFAIL of sysexits.h: a temporary failure, start it again.</summary>
    public const int RestartExitCode = 75;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var after = TimeSpan.FromSeconds(configuration.GetValue("Bus:RestartAfterSeconds", 60));
        var unhealthySince = DateTime.UtcNow;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Clamp(after.TotalSeconds / 10, 0.2, 5)));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var health = bus.CheckHealth();
                if (health.Status != BusHealthStatus.Unhealthy)
                {
                    unhealthySince = DateTime.UtcNow;
                    continue;
                }
                if (DateTime.UtcNow - unhealthySince < after) continue;
                log.LogCritical("The bus has been unhealthy for {After} ({Health}); ending the process with exit code {Code} to be started again",
                    after, health.Description, RestartExitCode);
                Environment.ExitCode = RestartExitCode;
                lifetime.StopApplication();
                return;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
