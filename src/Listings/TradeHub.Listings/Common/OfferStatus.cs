namespace TradeHub.Listings.Common;

/// <summary>The lifecycle of every offer, in one place: open -> matched | awarded | withdrawn | expired.</summary>
public static class OfferStatus
{
    public const string Open = "open";
    public const string Matched = "matched";
    public const string Awarded = "awarded";
    public const string Withdrawn = "withdrawn";
    public const string Expired = "expired";

    public static readonly string[] All = [Open, Matched, Awarded, Withdrawn, Expired];

    /// <summary>Null when the move is legal, else the reason it is not (answered as a 409).</summary>
    public static string? RefuseMove(string current, string next) => (current, next) switch
    {
        (Open, Matched or Awarded or Withdrawn or Expired) => null,
        (Matched, Withdrawn) => "A matched offer cannot be withdrawn; decline the match first.",
        (Awarded, Withdrawn) => "An awarded offer cannot be withdrawn.",
        (_, Withdrawn) => $"The offer is already {current}.",
        (Awarded, Awarded) => "The offer has already been awarded.",
        _ => $"An offer that is {current} cannot become {next}.",
    };

    /// <summary>Null when bids may be placed on an offer in this status, else why not.</summary>
    public static string? RefuseBid(string current) =>
        current == Open ? null : $"The cargo offer is {current}; only open offers take bids.";
}

/// <summary>Bid statuses: open -> awarded | lost | withdrawn | expired.</summary>
public static class BidStatus
{
    public const string Open = "open";
    public const string Awarded = "awarded";
    public const string Lost = "lost";
    public const string Expired = "expired";
}
