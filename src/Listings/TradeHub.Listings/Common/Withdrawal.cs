using TradeHub.Hosting.Http;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Messaging;

namespace TradeHub.Listings.Common;

/// <summary>
/// Withdrawing any offer: lock its row, only its owner may, only an open offer can be withdrawn; the status change and
/// the offer's withdrawal event (and any follow-up, such as losing open bids) commit together.
/// </summary>
internal static class Withdrawal
{
    public static async Task<Results<NoContent, ProblemHttpResult>> Run<TRow>(
        Outbox outbox, HttpContext http, Guid id, OfferTable table, Func<OutboxTransaction, TRow, Task> withdrawn)
        where TRow : IOfferRow
    {
        var caller = Caller.From(http.User);
        await using var work = await outbox.Begin(http.RequestAborted);
        var (connection, tx) = work;
        var row = await connection.QuerySingleOrDefaultAsync<TRow>(table.ByIdForUpdate, new { Id = id }, tx);
        if (row is null) return Refusal.NotFound(table.What);
        if (row.Owner != caller.Org) return Refusal.Forbidden($"Only the organisation that posted it withdraws a {table.What}.");
        if (OfferStatus.RefuseMove(row.Status, OfferStatus.Withdrawn) is { } reason) return Refusal.Conflict(reason);

        await connection.ExecuteAsync(table.SetWithdrawn, new { Id = id }, tx);
        await withdrawn(work, row);
        await work.Commit(http.RequestAborted);
        return TypedResults.NoContent();
    }
}
