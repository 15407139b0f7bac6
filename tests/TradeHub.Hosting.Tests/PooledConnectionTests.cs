using Dapper;
using Microsoft.Extensions.Configuration;
using Npgsql;
using TradeHub.Hosting.Database;
using TradeHub.Testing;

namespace TradeHub.Hosting.Tests;

/// <summary>What the services rely on when a connection goes back to the pool (with the settings of <see cref="Db"/>).</summary>
public class PooledConnectionTests
{
    [Test]
    public async Task A_transaction_begun_in_sql_that_failed_is_rolled_back_when_its_connection_returns_to_the_pool()
    {
        // Matching's catch-up begins and commits its transaction inside its one batch of statements; should one of
        // them fail, the connection returns to the pool inside a failed transaction (and there is no reset on close).
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Database"] = await TestDatabase.CreateFresh("tradehub_test_pooled") + ";Maximum Pool Size=1",
        }).Build();
        await using var dataSource = NpgsqlDataSource.Create(Db.ConnectionString(configuration));

        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            Assert.That(async () => await connection.ExecuteAsync("BEGIN; SELECT 1 / 0; COMMIT"), Throws.InstanceOf<PostgresException>());
        }

        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            // The one pooled connection again: not in the failed transaction (which would refuse every statement),
            // nor in any other (VACUUM cannot run inside a transaction block).
            Assert.That(await connection.ExecuteScalarAsync<int>("SELECT 1"), Is.EqualTo(1));
            await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS scratch (x int)");
            Assert.That(async () => await connection.ExecuteAsync("VACUUM scratch"), Throws.Nothing);
        }
    }
}
