using Dapper;
using Npgsql;

namespace TradeHub.Matching.Flows;

/// <summary>One shipment that counts as a trade flow (a confirmed match or an awarded bid): no price, no parties.</summary>
public sealed record Flow(Guid SourceId, string Source, string Origin, string Destination, string Corridor, string Mode,
    string? HsCode, int Containers, decimal WeightKg, DateTimeOffset At)
{
    public string HsChapter => HsCode is { Length: >= 2 } code ? code[..2] : "";
}

public static class FlowRecords
{
    private const string InsertSql = """
        INSERT INTO flows (source_id, source, origin, destination, corridor, mode, hs_chapter, month, containers, weight_kg, at)
        VALUES (@SourceId, @Source, @Origin, @Destination, @Corridor, @Mode, @HsChapter,
                CAST(date_trunc('month', @At AT TIME ZONE 'UTC') AS date), @Containers, @WeightKg, @At)
        ON CONFLICT (source_id) DO NOTHING
        """;

    /// <summary>Adds a flow once per source (a match or a bid).</summary>
    public static Task RecordFlow(this NpgsqlConnection connection, NpgsqlTransaction tx, Flow flow) =>
        connection.ExecuteAsync(InsertSql, new
        {
            flow.SourceId, flow.Source, flow.Origin, flow.Destination, flow.Corridor, flow.Mode, flow.HsChapter,
            flow.Containers, flow.WeightKg, flow.At,
        }, tx);
}
