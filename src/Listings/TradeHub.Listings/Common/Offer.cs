namespace TradeHub.Listings.Common;

/// <summary>A row a list pages over: its time-ordered id is the cursor.</summary>
internal interface IListedRow
{
    Guid Id { get; }
}

/// <summary>What every offer row has that withdrawing needs: its owner organisation and its status.</summary>
internal interface IOfferRow : IListedRow
{
    string Owner { get; }
    string Status { get; }
}

/// <summary>An offer kind's table as reading one and withdrawing meet it: its name in problems, the read by id, the status change.</summary>
internal sealed record OfferTable(string What, string ById, string SetWithdrawn)
{
    public string ByIdForUpdate => ById + " FOR UPDATE";
}
