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
/// Every cargo offer passes here, so the messages are taken in batches (<c>Bus.AddBatchConsumer</c>): one statement
/// records a batch's messages, stores the offers and finds the pools that fit each.
/// </summary>
public sealed class CargoOfferPostedConsumer(Outbox outbox, PoolsOptions options, TimeProvider clock) : IConsumer<Batch<CargoOfferPosted>>
{
    private const string Consumer = "pools.cargo-offer-posted";

    // A redelivered message records nothing, stores nothing and finds no pool, so it suggests nothing twice.
    private const string RecordStoreAndFitSql = $"""
        WITH posted AS (
            SELECT * FROM unnest(@MessageIds, @Ids, @OwnerOrgs, @Origins, @Destinations, @ReadyDates, @DeliverBys,
                @ContainerCounts, @ContainerTypes, @WeightsKg, @HsCodes, @Hazardous, @Fits)
            AS o(message_id, id, owner_org, origin, destination, ready_date, deliver_by, container_count, container_type,
                weight_kg, hs_code, hazardous, fits)
        ), recorded AS ({Inbox.RecordManySql}
        ), new AS (
            SELECT p.* FROM posted p WHERE p.message_id IN (SELECT message_id FROM recorded)
        ), stored AS (
            INSERT INTO cargo_offers (id, owner_org, origin, destination, ready_date, deliver_by, container_count, container_type,
                weight_kg, hs_code, hazardous)
            SELECT id, owner_org, origin, destination, ready_date, deliver_by, container_count, container_type, weight_kg,
                hs_code, hazardous
            FROM new
            ON CONFLICT (id) DO NOTHING)
        SELECT n.message_id AS MessageId, fit.* FROM new n CROSS JOIN LATERAL (
            SELECT {PoolSql.Columns} FROM pools
            WHERE n.fits AND status = 'open' AND origin = n.origin AND destination = n.destination
              AND container_type = n.container_type AND departure_date BETWEEN n.ready_date AND n.deliver_by AND cutoff > @Now
              AND full_containers + shared_containers + n.container_count <= max_containers
              AND cargo_kg + n.weight_kg <= @MaxTrainCargoKg AND (accepts_hazardous OR NOT n.hazardous)
              AND operator_org <> n.owner_org
            ORDER BY departure_date, id LIMIT @Take) fit
        """;

    public async Task Consume(ConsumeContext<Batch<CargoOfferPosted>> context)
    {
        var batch = context.Message.Select(m =>
            (Id: m.MessageId ?? throw new InvalidOperationException("Message without MessageId"), Offer: m.Message)).ToList();
        var offers = batch.Select(m => m.Offer).ToList();
        var now = clock.GetUtcNow();
        await using var tx = await outbox.Begin(context.CancellationToken);
        var fits = (await tx.Connection.QueryAsync<Guid, PoolRow, (Guid MessageId, PoolRow Pool)>(RecordStoreAndFitSql,
            (messageId, pool) => (messageId, pool), new
            {
                Consumer, MessageIds = batch.Select(m => m.Id).ToArray(), Ids = offers.Select(o => o.CargoOfferId).ToArray(),
                OwnerOrgs = offers.Select(o => o.OwnerOrg).ToArray(), Origins = offers.Select(o => o.Origin).ToArray(),
                Destinations = offers.Select(o => o.Destination).ToArray(), ReadyDates = offers.Select(o => o.ReadyDate).ToArray(),
                DeliverBys = offers.Select(o => o.DeliverBy).ToArray(), ContainerCounts = offers.Select(o => o.ContainerCount).ToArray(),
                ContainerTypes = offers.Select(o => o.ContainerType).ToArray(), WeightsKg = offers.Select(o => o.WeightKg).ToArray(),
                HsCodes = offers.Select(o => o.HsCode).ToArray(), Hazardous = offers.Select(o => o.Hazardous).ToArray(),
                Fits = offers.Select(Fits).ToArray(), Now = now.UtcDateTime, options.Loading.MaxTrainCargoKg,
                Take = options.MaxSuggestions,
            }, tx.Transaction, splitOn: "Id")).AsList();
        var byMessage = batch.ToDictionary(m => m.Id, m => m.Offer);
        await tx.EnqueueAll(fits.Select(f =>
        {
            var (o, p) = (byMessage[f.MessageId], f.Pool);
            return new PoolSuggested
            {
                PoolId = p.Id, CargoOfferId = o.CargoOfferId, OwnerOrg = o.OwnerOrg, From = p.Origin, To = p.Destination,
                DepartureDate = p.DepartureDate, Cutoff = new DateTimeOffset(p.Cutoff, TimeSpan.Zero), Containers = o.ContainerCount,
                ContainerType = p.ContainerType, PriceNowAmount = p.PriceAt(p.Containers + o.ContainerCount),
                PriceAtFullFillAmount = p.PriceAtMax, PriceCurrency = p.Currency, SuggestedAt = now,
            };
        }).ToArray());
        await tx.Commit(context.CancellationToken);
    }

    // The offer's weight fits the containers it names (an unknown container type fits no pool).
    private bool Fits(CargoOfferPosted o) =>
        options.Loading.Containers.GetValueOrDefault(o.ContainerType) is { } box && o.WeightKg <= o.ContainerCount * box.MaxCargoKg;
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
