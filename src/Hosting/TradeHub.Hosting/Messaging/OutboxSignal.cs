using System.Threading.Channels;

namespace TradeHub.Hosting.Messaging;

/// <summary>Wakes the process's relay after a commit that wrote events (at most one pending wake).</summary>
public sealed class OutboxSignal
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Forgets a pending wake: the pass about to start sees every commit made before it.</summary>
    internal bool IsPending => _wake.Reader.Count > 0;

    internal void Clear() => _wake.Reader.TryRead(out _);

    internal async Task Wait(TimeSpan timeout, CancellationToken stoppingToken)
    {
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        poll.CancelAfter(timeout);
        try { await _wake.Reader.WaitToReadAsync(poll.Token); }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested) { }
    }
}
