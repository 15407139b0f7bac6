using Dapper;
using MassTransit;
using TradeHub.Hosting.Messaging;
using TradeHub.Listings.Contracts;
using TradeHub.Pools.Contracts;
using TradeHub.Pools.Pools;

namespace TradeHub.Pools.Events;

/// <summary>
/// Keeps the local copy of cargo offers (an SME joins with one of its own by id) and suggests open pools that fit a
/// new offer to its owner: same lane and container type, the departure within the offer's dates, room on the train.
/// </summary>
public sealed class CargoOfferPostedConsumer(Outbox outbox, PoolsOptions options, TimeProvider clock) : IConsumer<CargoOfferPosted>
{
    // The inbox record, the local copy and the open pools that fit: one statement. A redelivered message records
    // nothing and finds no pool, so it suggests nothing twice.
    private const string RecordStoreAndFitSql = $"""
        WITH recorded AS ({Inbox.RecordSql}),
        stored AS (
            INSERT INTO cargo_offers (id, owner_org, origin, destination, ready_date, deliver_by, container_count, container_type,
                weight_kg, hs_code, hazardous)
            SELECT @CargoOfferId, @OwnerOrg, @Origin, @Destination, @ReadyDate, @DeliverBy, @ContainerCount, @ContainerType,
                @WeightKg, @HsCode, @Hazardous
            WHERE EXISTS (SELECT 1 FROM recorded)
            ON CONFLICT (id) DO NOTHING)
        SELECT {PoolSql.Columns} FROM pools
        WHERE EXISTS (SELECT 1 FROM recorded) AND @Fits
          AND status = 'open' AND origin = @Origin AND destination = @Destination AND container_type = @ContainerType
          AND departure_date BETWEEN @ReadyDate AND @DeliverBy AND cutoff > @Now
          AND full_containers + shared_containers + @ContainerCount <= max_containers
          AND cargo_kg + @WeightKg <= @MaxTrainCargoKg AND (accepts_hazardous OR NOT @Hazardous)
          AND operator_org <> @OwnerOrg
        ORDER BY departure_date, id LIMIT @Take
        """;

    public async Task Consume(ConsumeContext<CargoOfferPosted> context)
    {
        var o = context.Message;
        var messageId = context.MessageId ?? throw new InvalidOperationException("Message without MessageId");
        var now = clock.GetUtcNow();
        var box = options.Loading.Containers.GetValueOrDefault(o.ContainerType);
        await using var tx = await outbox.Begin(context.CancellationToken);
        var pools = (await tx.Connection.QueryAsync<PoolRow>(RecordStoreAndFitSql, new
        {
            MessageId = messageId, Consumer = "pools.cargo-offer-posted", o.CargoOfferId, o.OwnerOrg, o.Origin, o.Destination,
            o.ReadyDate, o.DeliverBy, o.ContainerCount, o.ContainerType, o.WeightKg, o.HsCode, o.Hazardous,
            Fits = box is not null && o.WeightKg <= o.ContainerCount * box.MaxCargoKg, Now = now.UtcDateTime,
            options.Loading.MaxTrainCargoKg, Take = options.MaxSuggestions,
        }, tx.Transaction)).AsList();
        await tx.EnqueueAll(pools.Select(p => new PoolSuggested
        {
            PoolId = p.Id, CargoOfferId = o.CargoOfferId, OwnerOrg = o.OwnerOrg, From = p.Origin, To = p.Destination,
            DepartureDate = p.DepartureDate, Cutoff = new DateTimeOffset(p.Cutoff, TimeSpan.Zero), Containers = o.ContainerCount,
            ContainerType = p.ContainerType, PriceNowAmount = p.PriceAt(p.Containers + o.ContainerCount),
            PriceAtFullFillAmount = p.PriceAtMax, PriceCurrency = p.Currency, SuggestedAt = now,
        }).ToArray());
        await tx.Commit(context.CancellationToken);
    }
}

/// <summary>A withdrawn or expired offer can no longer join a pool.</summary>
public sealed class CargoOfferClosedConsumer(Outbox outbox) : IConsumer<CargoOfferWithdrawn>, IConsumer<CargoOfferExpired>
{
    private const string CloseSql = "UPDATE cargo_offers SET open = false WHERE id = @Id";

    public Task Consume(ConsumeContext<CargoOfferWithdrawn> context) =>
        outbox.HandleOnce(context, "pools.cargo-offer-withdrawn", tx =>
            tx.Connection.ExecuteAsync(CloseSql, new { Id = context.Message.CargoOfferId }, tx.Transaction));

    public Task Consume(ConsumeContext<CargoOfferExpired> context) =>
        outbox.HandleOnce(context, "pools.cargo-offer-expired", tx =>
            tx.Connection.ExecuteAsync(CloseSql, new { Id = context.Message.CargoOfferId }, tx.Transaction));
}
