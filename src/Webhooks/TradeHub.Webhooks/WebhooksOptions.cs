namespace TradeHub.Webhooks;

/// <summary>Section Webhooks.</summary>
public sealed class WebhooksOptions
{
    /// <summary>
    /// Base64 of the 32-byte AES key that encrypts the signing secrets. Required outside Development; local
    /// scripts and the test rig set one.
    /// </summary>
    public string? SecretKey { get; set; }

    /// <summary>
    /// Allows endpoints on loopback, private and link-local addresses (local runs and tests only: otherwise a
    /// subscriber could make the service call into its own network).
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>How long a subscription may fail without a success before it is disabled.</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(5);

    /// <summary>How long one delivery is retried before it counts as failed (at least 3 days by the contract).</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromDays(3);

    /// <summary>The first retry's delay; each next one doubles, up to <see cref="MaxRetryDelay"/>, with jitter.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(6);

    /// <summary>A 2xx within this time is success.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Deliveries in flight to one endpoint (scheme, host and port) at once, over all its subscriptions.</summary>
    public int PerEndpointConcurrency { get; set; } = 8;

    /// <summary>Deliveries in flight from one instance at once.</summary>
    public int MaxInFlight { get; set; } = 256;

    /// <summary>Failures of one endpoint (ratio over the sampling window) that open its circuit, and for how long.</summary>
    public double CircuitFailureRatio { get; set; } = 0.9;
    public int CircuitMinimumThroughput { get; set; } = 10;
    public TimeSpan CircuitSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the old secret keeps signing after a rotation.</summary>
    public TimeSpan RotationOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Succeeded and failed deliveries (and their attempts) are kept this long after they finished, then pruned; a
    /// replay reaches back no further. Pending deliveries are kept however old.
    /// </summary>
    public TimeSpan KeepDeliveriesFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the retention sweep runs.</summary>
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the dispatcher looks for due deliveries when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The shortest time between two looks for due deliveries. A look reads the head of every subscription, so its
    /// cost grows with the subscriptions, not with the work; under load every finished delivery wakes the dispatcher,
    /// and without a gap it would look again as soon as the last look ended, one server process busy doing only that.
    /// </summary>
    public TimeSpan ClaimGap { get; set; } = TimeSpan.FromMilliseconds(30);
}
