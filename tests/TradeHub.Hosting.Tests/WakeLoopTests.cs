using Microsoft.Extensions.Logging.Abstractions;
using TradeHub.Hosting.Background;

namespace TradeHub.Hosting.Tests;

/// <summary>The loop the outbox relay and the webhook dispatcher share: again at once, on a wake, after a failure.</summary>
public sealed class WakeLoopTests
{
    [Test]
    public async Task A_pass_with_more_work_runs_again_at_once_and_one_without_waits_for_a_wake()
    {
        var signal = new WakeSignal();
        var passes = 0;
        var third = new TaskCompletionSource();
        var fourth = new TaskCompletionSource();
        using var stop = new CancellationTokenSource();
        var loop = WakeLoop.Run("test", signal, Timeout.InfiniteTimeSpan, _ =>
        {
            var n = Interlocked.Increment(ref passes);
            if (n == 3) third.TrySetResult();
            if (n == 4) fourth.TrySetResult();
            return Task.FromResult(n < 3);
        }, NullLogger.Instance, stop.Token);

        await third.Task;
        Assert.That(signal.IsPending, Is.False);
        Assert.That(fourth.Task.IsCompleted, Is.False, "no wake, an endless poll: the loop waits");
        signal.Wake();
        await fourth.Task;
        await stop.CancelAsync();
        await loop;
        Assert.That(passes, Is.EqualTo(4));
    }

    [Test]
    public async Task A_failing_pass_is_retried_after_a_back_off_and_the_loop_goes_on()
    {
        var passes = 0;
        var recovered = new TaskCompletionSource();
        using var stop = new CancellationTokenSource();
        var loop = WakeLoop.Run("test", new WakeSignal(), Timeout.InfiniteTimeSpan, _ =>
        {
            if (Interlocked.Increment(ref passes) <= 2) throw new InvalidOperationException("database away");
            recovered.TrySetResult();
            return Task.FromResult(false);
        }, NullLogger.Instance, stop.Token);

        await recovered.Task;
        await stop.CancelAsync();
        await loop;
        Assert.Multiple(() =>
        {
            Assert.That(passes, Is.EqualTo(3));
            Assert.That(WakeLoop.Backoff(1), Is.EqualTo(TimeSpan.FromMilliseconds(200)));
            Assert.That(WakeLoop.Backoff(2), Is.EqualTo(TimeSpan.FromMilliseconds(400)));
            Assert.That(WakeLoop.Backoff(50), Is.EqualTo(TimeSpan.FromSeconds(5)));
        });
    }
}
