namespace TradeHub.Hosting.Http;

/// <summary>
/// Keyset pagination over time-ordered (version 7) ids: the cursor is the last id of a page,
/// so every page is an index range scan, never an offset scan.
/// </summary>
public static class Cursor
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>Reads limit and cursor; returns the problem to answer when they are bad.</summary>
    public static bool TryRead(int? limit, string? cursor, out int pageSize, out Guid? after,
        out Dictionary<string, string[]> errors)
    {
        errors = [];
        pageSize = limit ?? DefaultLimit;
        after = null;
        if (pageSize is < 1 or > MaxLimit)
            errors["limit"] = [$"'limit' must be between 1 and {MaxLimit}."];
        if (!string.IsNullOrEmpty(cursor))
        {
            if (Guid.TryParse(cursor, out var id)) after = id;
            else errors["cursor"] = ["'cursor' is not a cursor this API returned."];
        }
        return errors.Count == 0;
    }

    /// <summary>Cuts the extra row fetched to learn whether another page exists.</summary>
    public static Page<T> Page<T>(IReadOnlyList<T> rows, int pageSize, Func<T, Guid> id) =>
        rows.Count > pageSize
            ? new Page<T>(rows.Take(pageSize).ToList(), id(rows[pageSize - 1]).ToString())
            : new Page<T>(rows, null);
}

/// <summary>A page of a list: items and the cursor of the next page, or null at the end.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
