using Dapper;
using Npgsql;
using TradeHub.Hosting.Http;

namespace TradeHub.Listings.Common;

/// <summary>One page of an offer list: limit, cursor and status checked, then one keyset query for the page plus one row.</summary>
internal static class Listing
{
    public static async Task<IResult> Page<TRow, TView>(
        NpgsqlDataSource db, HttpContext http, int? limit, string? cursor, string? status, string sql,
        Func<Guid?, int, object> arguments, Func<TRow, Guid> id, Func<TRow, TView> view)
    {
        if (!Cursor.TryRead(limit, cursor, out var size, out var after, out var errors)) return TypedResults.ValidationProblem(errors);
        if (status is not null && !OfferStatus.All.Contains(status))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                { ["status"] = [$"'status' must be one of {string.Join(", ", OfferStatus.All)}."] });
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var rows = (await connection.QueryAsync<TRow>(sql, arguments(after, size + 1))).AsList();
        var page = Cursor.Page(rows, size, id);
        return TypedResults.Ok(new Page<TView>(page.Items.Select(view).ToList(), page.NextCursor));
    }
}
