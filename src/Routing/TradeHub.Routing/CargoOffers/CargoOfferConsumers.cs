using MassTransit;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Contracts;
using TradeHub.Routing.Network;

namespace TradeHub.Routing.CargoOffers;

/// <summary>Routes a newly posted cargo offer (once per message id).</summary>
public sealed class CargoOfferPostedConsumer(NpgsqlDataSource dataSource, NetworkState network) : IConsumer<CargoOfferPosted>
{
    public async Task Consume(ConsumeContext<CargoOfferPosted> context)
    {
        var ct = context.CancellationToken;
        var snapshot = await network.Get(ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var messageId = context.MessageId ?? throw new InvalidOperationException("Message without MessageId");
        if (await CargoRouting.OnPosted(connection, tx, messageId, "routing.cargo-offer-posted", context.Message, snapshot))
            await tx.CommitAndRelay(ct);
    }
}

/// <summary>A withdrawn offer is no longer re-routed; a withdrawal before the post is remembered.</summary>
public sealed class CargoOfferWithdrawnConsumer(NpgsqlDataSource dataSource) : IConsumer<CargoOfferWithdrawn>
{
    public Task Consume(ConsumeContext<CargoOfferWithdrawn> context) =>
        dataSource.HandleOnce(context, "routing.cargo-offer-withdrawn",
            (connection, tx) => CargoRouting.OnClosed(connection, tx, context.Message.CargoOfferId, context.Message.OwnerOrg));
}

public sealed class CargoOfferExpiredConsumer(NpgsqlDataSource dataSource) : IConsumer<CargoOfferExpired>
{
    public Task Consume(ConsumeContext<CargoOfferExpired> context) =>
        dataSource.HandleOnce(context, "routing.cargo-offer-expired",
            (connection, tx) => CargoRouting.OnClosed(connection, tx, context.Message.CargoOfferId, context.Message.OwnerOrg));
}
