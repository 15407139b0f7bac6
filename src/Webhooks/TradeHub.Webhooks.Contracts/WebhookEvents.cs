namespace TradeHub.Webhooks.Contracts;

/// <summary>
/// A subscription stopped delivering: its endpoint answered 410 Gone, or it kept failing for the configured
/// time (5 days). Told to its organisation (webhook.disabled).
/// </summary>
public sealed record WebhookDisabled
{
    public required Guid WebhookId { get; init; }
    public required string Org { get; init; }
    public required string Url { get; init; }
    /// <summary>gone (the endpoint answered 410) or failing (no success for the configured time).</summary>
    public required string Reason { get; init; }
    public int? LastStatusCode { get; init; }
    public required DateTimeOffset DisabledAt { get; init; }
}
