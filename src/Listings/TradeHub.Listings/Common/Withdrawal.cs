using Dapper;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Messaging;

namespace TradeHub.Listings.Common;

/// <summary>
/// Withdrawing any offer: lock its row, only its owner may, only an open offer can be withdrawn; the status change and
/// the offer's withdrawal event (and any follow-up, such as losing open bids) commit together.
/// </summary>
internal static class Withdrawal
{
    public static async Task<IResult> Run<TRow>(
        NpgsqlDataSource db, HttpContext http, Guid id, string what, string selectForUpdateSql, string setWithdrawnSql,
        Func<TRow, string> owner, Func<TRow, string> status,
        Func<NpgsqlConnection, NpgsqlTransaction, TRow, Task> publish)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        await using var tx = await connection.BeginTransactionAsync(http.RequestAborted);
        var row = await connection.QuerySingleOrDefaultAsync<TRow>(selectForUpdateSql, new { Id = id }, tx);
        if (row is null) return Creation.NotFound(what);
        if (owner(row) != caller.Org) return Creation.Forbidden($"Only the organisation that posted it withdraws a {what}.");
        if (OfferStatus.RefuseMove(status(row), OfferStatus.Withdrawn) is { } reason) return Creation.Conflict(reason);

        await connection.ExecuteAsync(setWithdrawnSql, new { Id = id }, tx);
        await publish(connection, tx, row);
        await tx.CommitAndRelay(http.RequestAborted);
        return TypedResults.NoContent();
    }
}
