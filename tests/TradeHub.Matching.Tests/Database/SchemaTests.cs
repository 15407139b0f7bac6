using Dapper;
using Npgsql;

namespace TradeHub.Matching.Tests.Database;

/// <summary>Storage settings the throughput depends on (migrations 0002 and 0004), on the migrated database.</summary>
public class SchemaTests : ConsumerRig
{
    private static async Task<string[]> Options(string relation)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        return (await connection.QuerySingleAsync<string[]?>(
            "SELECT reloptions FROM pg_class WHERE oid = CAST(@Relation AS regclass)", new { Relation = relation })) ?? [];
    }

    [TestCase("matches_offer_ids")]
    [TestCase("matches_party_orgs")]
    public async Task Every_proposal_writes_its_GIN_keys_straight_into_the_index(string index) =>
        Assert.That(await Options(index), Does.Contain("fastupdate=off"),
            "with a pending list, the proposal that fills it merges megabytes of keys while the others wait for the turn");

    [Test]
    public async Task Matches_pages_keep_room_for_the_decision_to_be_a_heap_only_update() =>
        Assert.That(await Options("matches"), Does.Contain("fillfactor=85"));
}
