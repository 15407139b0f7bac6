using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace TradeHub.Hosting.Http;

/// <summary>
/// Idempotency-Key on creates: the first request with a key stores its answer in the same transaction as
/// the resource; a repeat with the same body gets that answer, one with another body a 409. A service that takes the
/// header creates the idempotency_keys table (org, key, request_hash, resource_path, response, created_at) in its own
/// migrations, as Listings' 0001 and Tenders' 0002 do. The hosting library does not own that table: its scripts run
/// before the service's, so a shared CREATE would make Listings' 0001 (a plain CREATE TABLE, applied and kept as it
/// is) fail on a fresh database, and a service that takes no creates would carry a table it never uses.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";

    public sealed record Stored(string RequestHash, string? ResourcePath, string? Response);

    /// <summary>What to do with a request that carries a key.</summary>
    public abstract record Outcome;
    public sealed record Proceed : Outcome;
    public sealed record Replay(string ResourcePath, string Response) : Outcome;
    public sealed record Conflict : Outcome;

    private const string ClaimSql = """
        INSERT INTO idempotency_keys (org, key, request_hash) VALUES (@Org, @Key, @Hash) ON CONFLICT DO NOTHING
        """;

    private const string ReadSql = """
        SELECT request_hash AS RequestHash, resource_path AS ResourcePath, response::text AS Response
        FROM idempotency_keys WHERE org = @Org AND key = @Key
        """;

    private const string SaveSql = """
        UPDATE idempotency_keys SET resource_path = @Path, response = CAST(@Response AS jsonb)
        WHERE org = @Org AND key = @Key
        """;

    // Fields included: a request that is a tuple (a route id and a body) serialises as {} without them, and
    // every such request would then hash alike.
    private static readonly JsonSerializerOptions HashJson = new(JsonSerializerOptions.Web) { IncludeFields = true };

    /// <summary>The request's identity: method, path (with its route ids) and the bound body.</summary>
    public static string Hash<T>(HttpRequest http, T request) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{http.Method} {http.Path}\n{JsonSerializer.Serialize(request, HashJson)}")));

    /// <summary>Claims the key inside the transaction; a concurrent twin waits on the row lock, then replays.</summary>
    public static async Task<Outcome> Claim(NpgsqlConnection connection, NpgsqlTransaction tx, string org, string key, string hash)
    {
        if (await connection.ExecuteAsync(ClaimSql, new { Org = org, Key = key, Hash = hash }, tx) == 1)
            return new Proceed();
        var stored = await connection.QuerySingleAsync<Stored>(ReadSql, new { Org = org, Key = key }, tx);
        if (stored.RequestHash != hash) return new Conflict();
        return new Replay(stored.ResourcePath!, stored.Response!);
    }

    public static Task Save<T>(NpgsqlConnection connection, NpgsqlTransaction tx, string org, string key, string path, T response) =>
        connection.ExecuteAsync(SaveSql, new { Org = org, Key = key, Path = path, Response = JsonSerializer.Serialize(response, JsonSerializerOptions.Web) }, tx);
}
