using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using TradeHub.Hosting.Messaging;

namespace TradeHub.Routing.Network;

public sealed class NetworkSyncOptions
{
    public TimeSpan Poll { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Loads the network at start-up, publishes the logistics cost table when the network version changed since the
/// last one, and reloads whenever another instance bumped the version (its own changes install at once).
/// </summary>
public sealed class NetworkSync(NpgsqlDataSource dataSource, Outbox outbox, NetworkState state, IOptions<NetworkSyncOptions> options, ILogger<NetworkSync> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!started)
                {
                    var snapshot = await state.Reload(stoppingToken);
                    await using var tx = await outbox.Begin(stoppingToken);
                    if (await LogisticsCostTable.PublishIfStale(tx, snapshot))
                        log.LogInformation("Published the logistics cost table of network version {Version}", snapshot.Version);
                    await tx.Commit(stoppingToken);
                    started = true;
                }
                else
                {
                    await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                    var version = await connection.ExecuteScalarAsync<long>(NetworkStore.VersionSql);
                    if (state.Current is not { } current || current.Version != version) await state.Reload(stoppingToken);
                }
                await Task.Delay(options.Value.Poll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                log.LogWarning(e, "Network sync failed; retrying");
                try { await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken); } catch (OperationCanceledException) { return; }
            }
        }
    }
}
