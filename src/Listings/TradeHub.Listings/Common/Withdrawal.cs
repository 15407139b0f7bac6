using Dapper;
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
        Outbox outbox, HttpContext http, Guid id, string what, string selectForUpdateSql, string setWithdrawnSql,
        Func<TRow, string> owner, Func<TRow, string> status,
        Func<OutboxTransaction, TRow, Task> publish)
    {
        var caller = Caller.From(http.User);
        await using var work = await outbox.Begin(http.RequestAborted);
        var (connection, tx) = work;
        var row = await connection.QuerySingleOrDefaultAsync<TRow>(selectForUpdateSql, new { Id = id }, tx);
        if (row is null) return Creation.NotFound(what);
        if (owner(row) != caller.Org) return Creation.Forbidden($"Only the organisation that posted it withdraws a {what}.");
        if (OfferStatus.RefuseMove(status(row), OfferStatus.Withdrawn) is { } reason) return Creation.Conflict(reason);

        await connection.ExecuteAsync(setWithdrawnSql, new { Id = id }, tx);
        await publish(work, row);
        await work.Commit(http.RequestAborted);
        return TypedResults.NoContent();
    }
}
