using Npgsql;

namespace TradeHub.Testing;

/// <summary>Fresh databases on the real PostgreSQL that deploy/local/test.sh starts (TRADEHUB_PG).</summary>
public static class TestDatabase
{
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("TRADEHUB_PG") is { Length: > 0 } cs
            ? cs
            : "Host=127.0.0.1;Port=5433;Username=postgres;Password=tradehub";

    /// <summary>Drops and creates the named database; returns its connection string.</summary>
    public static async Task<string> CreateFresh(string name)
    {
        await using (var server = new NpgsqlConnection(ServerConnectionString))
        {
            await server.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", server);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", server);
            await create.ExecuteNonQueryAsync();
        }
        return For(name);
    }

    public static string For(string name) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
}
