using TradeHub.Hosting.Background;

namespace TradeHub.Hosting.Messaging;

/// <summary>Wakes the process's relay after a commit that wrote events.</summary>
public sealed class OutboxSignal : WakeSignal;
