using Npgsql;

namespace TradeHub.LoadGenerator;

/// <summary>
/// Statements the services' databases ran, from pg_stat_statements (loaded when the servers were started with
/// TRADEHUB_PG_STATEMENTS=1): a snapshot per database before and after a phase gives the statements per cargo offer.
/// Transaction control (BEGIN, COMMIT, ...) is left out, so the figure counts the statements that do the work.
/// The generator's own baseline databases are left out too.
/// </summary>
public static class Statements
{
    private const string Calls = """
        SELECT d.datname AS Database, sum(s.calls)::bigint AS Calls
        FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname LIKE @Prefix || '%' AND d.datname NOT LIKE '%bench%'
          AND s.query !~* '^\s*(BEGIN|COMMIT|ROLLBACK|START TRANSACTION|SAVEPOINT|RELEASE|DISCARD)'
        GROUP BY d.datname
        """;

    /// <summary>Calls per service (the database name without its prefix); null when pg_stat_statements is not loaded.</summary>
    public static async Task<Dictionary<string, long>?> Snapshot(string server)
    {
        var prefix = Environment.GetEnvironmentVariable("TRADEHUB_DB_PREFIX") is { Length: > 0 } p ? p : "tradehub_";
        try
        {
            var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString;
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using (var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", connection))
                await create.ExecuteNonQueryAsync();
            await using var query = new NpgsqlCommand(Calls, connection);
            query.Parameters.AddWithValue("Prefix", prefix);
            var calls = new Dictionary<string, long>();
            await using var reader = await query.ExecuteReaderAsync();
            while (await reader.ReadAsync()) calls[reader.GetString(0)[prefix.Length..]] = reader.GetInt64(1);
            return calls;
        }
        catch (PostgresException)
        {
            return null; // not loaded (shared_preload_libraries) or not installed: the report leaves the line out
        }
    }

    public static Dictionary<string, double> Since(Dictionary<string, long>? before, Dictionary<string, long>? after) =>
        before is null || after is null
            ? []
            : after.ToDictionary(c => c.Key, c => (double)(c.Value - before.GetValueOrDefault(c.Key)));
}
