using MassTransit;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Matching.Contracts;

namespace TradeHub.Routing.Network;

/// <summary>
/// Matching has no logistics cost table (it missed the one published before its queue existed): the table of the
/// current network goes out again. Matching keeps only a table newer than the one it has, so a repeat is harmless.
/// </summary>
public sealed class LogisticsCostTableRequestedConsumer(Outbox outbox, NetworkState network)
    : IConsumer<LogisticsCostTableRequested>
{
    public async Task Consume(ConsumeContext<LogisticsCostTableRequested> context)
    {
        var snapshot = await network.Get(context.CancellationToken);
        await outbox.HandleOnce(context, "routing.logistics-cost-table-requested", tx =>
            tx.Enqueue(LogisticsCostTable.Compute(snapshot, DateOnly.FromDateTime(DateTime.UtcNow))));
    }
}
