using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TradeHub.Hosting.Http;

namespace TradeHub.Listings.Common;

/// <summary>The paging every list takes: how many items (limit) and after which one (cursor).</summary>
public interface IPageQuery
{
    int? Limit { get; }
    string? Cursor { get; }
}

/// <summary>An offer list's query: paging and a status filter, beside the kind's own filters.</summary>
public interface IOfferQuery : IPageQuery
{
    string? Status { get; }
}

/// <summary>The rules of paging, included by every list query's validator.</summary>
public sealed class PageQueryRules<T> : AbstractValidator<T> where T : IPageQuery
{
    public PageQueryRules()
    {
        RuleFor(q => q.Limit).InclusiveBetween(1, Cursor.MaxLimit)
            .WithMessage($"'limit' must be between 1 and {Cursor.MaxLimit}.");
        RuleFor(q => q.Cursor).Must(c => string.IsNullOrEmpty(c) || Guid.TryParse(c, out _))
            .WithMessage("'cursor' is not a cursor this API returned.");
    }
}

/// <summary>The rules of paging and status, included by every offer list query's validator.</summary>
public sealed class OfferQueryRules<T> : AbstractValidator<T> where T : IOfferQuery
{
    public OfferQueryRules()
    {
        Include(new PageQueryRules<T>());
        RuleFor(q => q.Status).Must(s => s is null || OfferStatus.All.Contains(s))
            .WithMessage($"'status' must be one of {string.Join(", ", OfferStatus.All)}.");
    }
}

/// <summary>Reading offers: one by id, or one page of a list.</summary>
internal static class Listing
{
    public static async Task<Results<Ok<TView>, ProblemHttpResult>> One<TRow, TView>(
        NpgsqlDataSource db, HttpContext http, Guid id, OfferTable table, Func<TRow, TView> view,
        Func<TRow, bool>? visible = null)
    {
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var row = await connection.QuerySingleOrDefaultAsync<TRow>(table.ById, new { Id = id });
        return row is null || (visible is not null && !visible(row)) ? Refusal.NotFound(table.What) : TypedResults.Ok(view(row));
    }

    /// <summary>One page of a list: the query checked by its validator, then one keyset query for the page plus one row.</summary>
    // filters: the list's own SQL parameters; @After and @Take are added here.
    public static async Task<Results<Ok<Page<TView>>, ValidationProblem>> Page<TQuery, TRow, TView>(
        NpgsqlDataSource db, HttpContext http, TQuery query, string sql, object filters, Func<TRow, TView> view)
        where TQuery : IPageQuery where TRow : IListedRow
    {
        var checks = await http.RequestServices.GetRequiredService<IValidator<TQuery>>().ValidateAsync(query, http.RequestAborted);
        if (!checks.IsValid) return TypedResults.ValidationProblem(checks.ToDictionary());
        var size = query.Limit ?? Cursor.DefaultLimit;
        var arguments = new DynamicParameters(filters);
        arguments.Add("After", string.IsNullOrEmpty(query.Cursor) ? null : Guid.Parse(query.Cursor), System.Data.DbType.Guid);
        arguments.Add("Take", size + 1);
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var rows = (await connection.QueryAsync<TRow>(sql, arguments)).AsList();
        var page = Cursor.Page(rows, size, r => r.Id);
        return TypedResults.Ok(new Page<TView>(page.Items.Select(view).ToList(), page.NextCursor));
    }
}
