using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TradeHub.Hosting.Messaging;

/// <summary>
/// Restarts the bus when it has been unhealthy for Bus:RestartAfterSeconds (default 60). A bus whose start overlapped a
/// broker restart can stay "not started" after the broker is back, and a process that never consumes again holds its
/// messages back for good; one stop and start of the bus takes it up again. Degraded is left alone: it reconnects.
/// </summary>
public sealed class BusWatchdog(IBusControl bus, IConfiguration configuration, ILogger<BusWatchdog> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var after = TimeSpan.FromSeconds(configuration.GetValue("Bus:RestartAfterSeconds", 60));
        DateTime? unhealthySince = null;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var health = bus.CheckHealth();
                if (health.Status != BusHealthStatus.Unhealthy)
                {
                    unhealthySince = null;
                    continue;
                }
                unhealthySince ??= DateTime.UtcNow;
                if (DateTime.UtcNow - unhealthySince < after) continue;
                log.LogWarning("The bus has been unhealthy for {After} ({Health}); restarting it", after, health.Description);
                try
                {
                    using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    stopping.CancelAfter(TimeSpan.FromSeconds(30));
                    await bus.StopAsync(stopping.Token);
                    await bus.StartAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    log.LogWarning(e, "Restarting the bus failed; trying again after {After}", after);
                }
                unhealthySince = null;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
