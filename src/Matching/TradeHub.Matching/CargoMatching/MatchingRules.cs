namespace TradeHub.Matching.CargoMatching;

/// <summary>Tunables of cargo-capacity matching (section Matching).</summary>
public sealed class MatchingRules
{
    /// <summary>A departure window must open within this many days after the cargo reaches the lane's start.</summary>
    public int DepartureSlackDays { get; set; } = 3;
    /// <summary>Open (proposed or accepted) proposals kept per cargo or trade offer.</summary>
    public int MaxOpenProposalsPerOffer { get; set; } = 3;
    /// <summary>
    /// New capacity is proposed to at most this many cargo offers (the best scored): a carrier gets a short list, and
    /// one big capacity offer on a busy node does not hold the matching turn for thousands of inserts. Cargo posted
    /// later still finds the capacity.
    /// </summary>
    public int MaxProposalsPerNewCapacity { get; set; } = 20;
    /// <summary>Per lane and chain position, only the best few fitting offers are tried (bounds the chain search).</summary>
    public int CandidatesPerLane { get; set; } = 3;
    /// <summary>A proposal left undecided this long expires and frees its offers' places (ProposalExpiry).</summary>
    public TimeSpan ProposalLifetime { get; set; } = TimeSpan.FromDays(3);
    /// <summary>Upper bound of chain-search steps per cargo offer.</summary>
    public int MaxSearchSteps { get; set; } = 20_000;
}
