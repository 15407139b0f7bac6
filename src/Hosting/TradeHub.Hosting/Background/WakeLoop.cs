using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace TradeHub.Hosting.Background;

/// <summary>Wakes a <see cref="WakeLoop"/> (at most one wake pending: more before the next pass add nothing).</summary>
public class WakeSignal
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => _wake.Writer.TryWrite(true);

    internal bool IsPending => _wake.Reader.Count > 0;

    /// <summary>Forgets a pending wake: the pass about to start sees everything done before it.</summary>
    internal void Clear() => _wake.Reader.TryRead(out _);

    internal async Task Wait(TimeSpan timeout, CancellationToken stoppingToken)
    {
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        poll.CancelAfter(timeout);
        try { await _wake.Reader.WaitToReadAsync(poll.Token); }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested) { }
    }
}

/// <summary>
/// The loop of a background worker that drains a table (the outbox relay, the webhook dispatcher): a pass runs again at
/// once when it reports more work waiting, otherwise on a wake from this process or after the poll interval (which
/// finds what other instances wrote). A pass that throws (database or broker away) is retried after a back-off that
/// doubles from 200 ms up to 5 s; the work waits in its table meanwhile.
/// </summary>
public static class WakeLoop
{
    /// <summary>Runs passes until <paramref name="stoppingToken"/> is cancelled.</summary>
    /// <param name="name">Names the worker in the warning logged at each failure.</param>
    /// <param name="signal">Wakes the loop for a pass before the poll interval is up.</param>
    /// <param name="poll">The longest wait between passes without a wake.</param>
    /// <param name="pass">One pass; returns true when more work is waiting.</param>
    /// <param name="log">Where failures are logged.</param>
    /// <param name="stoppingToken">Ends the loop (and is handed to each pass).</param>
    public static async Task Run(string name, WakeSignal signal, TimeSpan poll, Func<CancellationToken, Task<bool>> pass,
        ILogger log, CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                signal.Clear();
                var more = await pass(stoppingToken);
                failures = 0;
                if (!more) await signal.Wait(poll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                var delay = Backoff(failures);
                log.LogWarning(e, "{Worker} failed ({Failures} in a row); retrying in {Delay}", name, failures, delay);
                try { await Task.Delay(delay, stoppingToken); } catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>200 ms after the first failure in a row, doubling, at most 5 s.</summary>
    internal static TimeSpan Backoff(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(5000, 100 * Math.Pow(2, Math.Min(failures, 6))));
}
