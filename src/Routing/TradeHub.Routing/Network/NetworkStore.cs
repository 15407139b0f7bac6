using Dapper;
using Npgsql;

namespace TradeHub.Routing.Network;

/// <summary>Reads the network rows, disruptions and version from the routing database.</summary>
public static class NetworkStore
{
    private const string NodesSql = """
        SELECT id AS Id, name AS Name, country AS Country, type AS Type, lat AS Lat, lon AS Lon,
               gauge_mm AS GaugeMm, sco_member AS ScoMember, source AS Source
        FROM nodes ORDER BY id
        """;

    private const string LegsSql = """
        SELECT id AS Id, from_node AS From, to_node AS To, mode AS Mode, distance_km AS DistanceKm,
               transit_hours AS TransitHours, cost_usd_per_feu AS CostUsdPerFeu, cost_year AS CostYear,
               border_dwell_hours AS BorderDwellHours, gauge_change AS GaugeChange, macro_edge AS MacroEdge, source AS Source
        FROM legs ORDER BY id
        """;

    internal const string DisruptionsSql = """
        SELECT id AS Id, node_id AS NodeId, leg_id AS LegId, from_date AS From, to_date AS To, reason AS Reason,
               created_at AS CreatedAt
        FROM disruptions ORDER BY id
        """;

    public const string VersionSql = "SELECT version FROM network_state WHERE id = 1";

    /// <summary>
    /// Routing an offer holds this shared; a network change holds it exclusively. (An advisory lock, not FOR SHARE on
    /// the version row: many transactions sharing a row lock make PostgreSQL write a new multixact for each.)
    /// </summary>
    public const string RoutingLockSql = "SELECT pg_advisory_xact_lock_shared(hashtextextended('routing:network', 0))";
    public const string ChangeLockSql = "SELECT pg_advisory_xact_lock(hashtextextended('routing:network', 0))";

    public static async Task<NetworkSnapshot> Load(NpgsqlConnection connection, NpgsqlTransaction? tx = null)
    {
        var version = await connection.ExecuteScalarAsync<long>(VersionSql, transaction: tx);
        var nodes = (await connection.QueryAsync<NodeRow>(NodesSql, transaction: tx))
            .Select(n => new NodeRecord(n.Id, n.Name, n.Country, n.Type, n.Lat, n.Lon, n.GaugeMm, n.ScoMember, n.Source)).ToList();
        var legs = (await connection.QueryAsync<LegRow>(LegsSql, transaction: tx))
            .Select(l => new LegRecord(l.Id, l.From, l.To, l.Mode, l.DistanceKm, l.TransitHours, l.CostUsdPerFeu, l.CostYear,
                l.BorderDwellHours, l.GaugeChange, l.MacroEdge, l.Source)).ToList();
        var disruptions = await LoadDisruptions(connection, tx);
        return new NetworkSnapshot(CorridorNetwork.Build(nodes, legs), disruptions, version);
    }

    public static async Task<IReadOnlyList<Disruption>> LoadDisruptions(NpgsqlConnection connection, NpgsqlTransaction? tx = null) =>
        (await connection.QueryAsync<DisruptionRow>(DisruptionsSql, transaction: tx))
            .Select(d => new Disruption(d.Id, d.NodeId, d.LegId, d.From, d.To, d.Reason, new DateTimeOffset(DateTime.SpecifyKind(d.CreatedAt, DateTimeKind.Utc))))
            .ToList();

    private sealed record NodeRow(string Id, string Name, string Country, string Type, double Lat, double Lon, string GaugeMm, string ScoMember, string Source);

    private sealed record LegRow(string Id, string From, string To, string Mode, double? DistanceKm, string TransitHours,
        decimal? CostUsdPerFeu, int? CostYear, string BorderDwellHours, string GaugeChange, bool MacroEdge, string Source);

    // Npgsql reads date as DateOnly and timestamptz as a UTC DateTime.
    private sealed record DisruptionRow(Guid Id, string? NodeId, string? LegId, DateOnly From, DateOnly To, string Reason, DateTime CreatedAt);
}

/// <summary>
/// The current network held in memory. Readers take <see cref="Current"/> without locks; a change swaps the whole
/// snapshot. <see cref="NetworkSync"/> reloads it when another instance changed the version.
/// </summary>
public sealed class NetworkState(NpgsqlDataSource dataSource) : IDisposable
{
    private volatile NetworkSnapshot? current;
    private readonly SemaphoreSlim loading = new(1, 1);

    public void Dispose() => loading.Dispose();

    public NetworkSnapshot? Current => current;

    public async Task<NetworkSnapshot> Get(CancellationToken ct = default) => current ?? await Reload(ct);

    public async Task<NetworkSnapshot> Reload(CancellationToken ct = default)
    {
        await loading.WaitAsync(ct);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var snapshot = await NetworkStore.Load(connection);
            current = snapshot;
            return snapshot;
        }
        finally
        {
            loading.Release();
        }
    }

    /// <summary>Installs a snapshot built inside a committed change (newer versions only).</summary>
    public void Install(NetworkSnapshot snapshot)
    {
        if (current is null || snapshot.Version >= current.Version) current = snapshot;
    }
}
