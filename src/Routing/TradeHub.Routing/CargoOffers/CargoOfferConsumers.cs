using MassTransit;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Contracts;
using TradeHub.Routing.Network;

namespace TradeHub.Routing.CargoOffers;

/// <summary>
/// Routes newly posted cargo offers, a batch of messages in one transaction (docs/decisions/0012-batch-consumers.md),
/// each message once.
/// </summary>
public sealed class CargoOfferPostedConsumer(Outbox outbox, NetworkState network) : IConsumer<Batch<CargoOfferPosted>>
{
    public async Task Consume(ConsumeContext<Batch<CargoOfferPosted>> context)
    {
        var ct = context.CancellationToken;
        var snapshot = await network.Get(ct);
        await using var tx = await outbox.Begin(ct);
        var batch = context.Message.Select(m => (m.MessageId ?? throw new InvalidOperationException("Message without MessageId"), m.Message))
            .ToList();
        if (await CargoRouting.OnPosted(tx, "routing.cargo-offer-posted", batch, snapshot))
            await tx.Commit(ct);
    }
}

/// <summary>A withdrawn offer is no longer re-routed; a withdrawal before the post is remembered.</summary>
public sealed class CargoOfferWithdrawnConsumer(Outbox outbox) : IConsumer<CargoOfferWithdrawn>
{
    public Task Consume(ConsumeContext<CargoOfferWithdrawn> context) =>
        outbox.HandleOnce(context, "routing.cargo-offer-withdrawn",
            tx => CargoRouting.OnClosed(tx.Connection, tx.Transaction, context.Message.CargoOfferId, context.Message.OwnerOrg));
}

public sealed class CargoOfferExpiredConsumer(Outbox outbox) : IConsumer<CargoOfferExpired>
{
    public Task Consume(ConsumeContext<CargoOfferExpired> context) =>
        outbox.HandleOnce(context, "routing.cargo-offer-expired",
            tx => CargoRouting.OnClosed(tx.Connection, tx.Transaction, context.Message.CargoOfferId, context.Message.OwnerOrg));
}
