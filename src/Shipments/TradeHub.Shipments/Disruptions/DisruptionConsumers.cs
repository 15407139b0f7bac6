using Dapper;
using MassTransit;
using TradeHub.Hosting.Messaging;
using TradeHub.Routing.Contracts;
using TradeHub.Shipments.Common;
using TradeHub.Shipments.Contracts;
using TradeHub.Shipments.Tracking;

namespace TradeHub.Shipments.Disruptions;

/// <summary>
/// A closure Routing opened reaches the shipments under way (booked and not yet departed, or in transit) whose route
/// ahead it blocks when they would pass: the leg it blocks waits out the closure (its estimates and the shipment's move at once; eta_changed and delayed follow
/// as for any re-estimate), and Routing is asked for the fastest way around from the shipment's position, or its
/// origin when it has not departed (ShipmentRerouteRequested). A booked shipment is reached too: its carriers can
/// still take the way around before it leaves. A lifted closure gives its wait back.
/// </summary>
public sealed class RouteNetworkChangedConsumer(Outbox outbox, TimeProvider clock, IConfiguration configuration) : IConsumer<RouteNetworkChanged>
{
    // A leg passes a closed node when its nodes contain it: jsonb containment, tested in place, instead of expanding
    // every leg and node of every shipment under way into rows (half the time: 150-190 against 310 ms for 10,000).
    private const string AffectedSql = $"""
        SELECT {ShipmentRow.Columns} FROM shipments s
        WHERE status IN ('booked', 'in_transit') AND id > @After AND EXISTS (
            SELECT 1 FROM unnest(@NodeIds) AS n
            WHERE s.legs @> jsonb_build_array(jsonb_build_object('nodes', jsonb_build_array(n))))
        ORDER BY id LIMIT @Chunk FOR UPDATE
        """;

    /// <summary>
    /// Shipments a closure handles per transaction (Shipments:DisruptionChunk): the first ones' alerts leave while the
    /// rest are still being reached, and the service holds a chunk's rows and messages in memory, not the whole closure's.
    /// </summary>
    private int Chunk => configuration.GetValue("Shipments:DisruptionChunk", 1_000);

    // One statement for every shipment the closure blocks; a repeat of the message finds its rows and adds nothing.
    private const string InsertSql = """
        INSERT INTO shipment_disruptions (shipment_id, disruption_id, leg_index, hours, reason, node_ids, request_id, requested_at)
        SELECT b.shipment_id, @DisruptionId, b.leg_index, b.hours, @Reason, @NodeIds, b.request_id, @Now
        FROM unnest(@ShipmentIds, @LegIndexes, @Hours, @RequestIds) AS b(shipment_id, leg_index, hours, request_id)
        ON CONFLICT DO NOTHING RETURNING shipment_id
        """;

    private const string LockManySql = $"SELECT {ShipmentRow.Columns} FROM shipments WHERE id = ANY(@Ids) ORDER BY id FOR UPDATE";

    // A lift gives the waits back a chunk of shipments at a time, like the closure that added them.
    private const string LiftSql = """
        DELETE FROM shipment_disruptions WHERE disruption_id = @DisruptionId AND shipment_id IN (
            SELECT shipment_id FROM shipment_disruptions WHERE disruption_id = @DisruptionId ORDER BY shipment_id LIMIT @Chunk)
        RETURNING shipment_id AS ShipmentId, leg_index AS LegIndex, hours AS Hours
        """;

    // A closure and its lift are handled one after the other, whichever comes first: the second waits for the first
    // to commit and then sees its rows (each statement after the lock reads what committed before it).
    private const string SerialiseSql = "SELECT pg_advisory_xact_lock(hashtextextended(@DisruptionId::text, 0))";

    private const string WasLiftedSql = "SELECT EXISTS (SELECT 1 FROM lifted_disruptions WHERE disruption_id = @DisruptionId)";

    private const string RecordLiftSql = """
        INSERT INTO lifted_disruptions (disruption_id, lifted_at) VALUES (@DisruptionId, @Now) ON CONFLICT DO NOTHING
        """;

    private sealed record Taken(Guid ShipmentId, int LegIndex, double Hours);

    public Task Consume(ConsumeContext<RouteNetworkChanged> context)
    {
        var m = context.Message;
        if (m.DisruptionId is not { } disruptionId || m.ClosedFrom is not { } from || m.ClosedTo is not { } to)
            return Task.CompletedTask;
        return m.Lifted ? Lift(context, disruptionId) : Close(context, disruptionId, from, to);
    }

    /// <summary>
    /// The lift in chunks of Shipments:DisruptionChunk shipments, each its own transaction under the disruption's lock:
    /// each takes its shipments' waits out and gives them back in one step, so a redelivery, or a crash between two
    /// chunks, finds only the waits not yet given back. The first records the lift, which stops a closure still
    /// under way. In one transaction, a lift of a busy crossing's closure held every shipment it reached in memory at
    /// once: the service's largest peak (72 MB in a second over 10,000 shipments).
    /// </summary>
    private async Task Lift(ConsumeContext<RouteNetworkChanged> context, Guid disruptionId)
    {
        var chunk = Math.Max(1, Chunk);
        while (true)
        {
            await using var work = await outbox.Begin(context.CancellationToken);
            var (connection, tx) = work;
            var now = clock.GetUtcNow();
            await connection.ExecuteAsync(SerialiseSql, new { DisruptionId = disruptionId }, tx);
            await connection.ExecuteAsync(RecordLiftSql, new { DisruptionId = disruptionId, Now = now }, tx);
            var taken = (await connection.QueryAsync<Taken>(LiftSql, new { DisruptionId = disruptionId, Chunk = chunk }, tx)).AsList();
            var byShipment = taken.GroupBy(t => t.ShipmentId).ToDictionary(g => g.Key, g => g.ToList());
            var locked = await connection.QueryAsync<ShipmentRow>(LockManySql, new { Ids = byShipment.Keys.ToArray() }, tx);
            var given = new List<(ShipmentRow, List<Leg>)>();
            foreach (var row in locked)
            {
                if (row.Status is ShipmentStatus.Delivered or ShipmentStatus.Cancelled) continue;
                var legs = Legs.FromJson(row.LegsJson);
                foreach (var t in byShipment[row.Id])
                    legs[t.LegIndex] = legs[t.LegIndex] with { DisruptionHours = Math.Max(0, legs[t.LegIndex].DisruptionHours - t.Hours) };
                given.Add((row, legs));
            }
            await Tracker.ApplyAll(work, given, context.Message.Reason, now);
            await work.Commit(context.CancellationToken);
            if (taken.Count < chunk) break;
        }
        await outbox.HandleOnce(context, "shipments.route-network-changed", _ => Task.CompletedTask);
    }

    /// <summary>
    /// The closure in chunks of Shipments:DisruptionChunk shipments by id, each chunk its own transaction under the
    /// disruption's lock; the message is recorded in the inbox after the last. A lift handled between two chunks takes
    /// back what the earlier ones did and stops the rest (they find the lift). A redelivery goes over the chunks
    /// again and adds nothing: a shipment already waiting for this closure keeps its one row in shipment_disruptions.
    /// </summary>
    private async Task Close(ConsumeContext<RouteNetworkChanged> context, Guid disruptionId, DateOnly from, DateOnly to)
    {
        var m = context.Message;
        // A closed leg blocks both ways; a closed node blocks every leg through it.
        var closedLegs = m.LegIds.Count > 0 && m.NodeIds.Count == 2
            ? new List<(string, string)> { (m.NodeIds[0], m.NodeIds[1]), (m.NodeIds[1], m.NodeIds[0]) }
            : [];
        IReadOnlyCollection<string> closedNodes = m.LegIds.Count > 0 ? [] : m.NodeIds.ToHashSet();
        var after = Guid.Empty;
        var chunk = Math.Max(1, Chunk);
        while (true)
        {
            await using var work = await outbox.Begin(context.CancellationToken);
            var (connection, tx) = work;
            var now = clock.GetUtcNow();
            await connection.ExecuteAsync(SerialiseSql, new { DisruptionId = disruptionId }, tx);
            if (await connection.ExecuteScalarAsync<bool>(WasLiftedSql, new { DisruptionId = disruptionId }, tx)) break;
            var rows = (await connection.QueryAsync<ShipmentRow>(AffectedSql,
                new { NodeIds = m.NodeIds.ToArray(), After = after, Chunk = chunk }, tx)).AsList();
            if (rows.Count == 0) break;
            after = rows[^1].Id;
            var blocked = new List<(ShipmentRow Row, List<Leg> Legs, Blockage Blockage, Guid RequestId)>();
            // Shipments blocked at the same place, bound for the same destination on the same day share one request.
            var requests = new Dictionary<(string From, string To, DateOnly Date), Guid>();
            foreach (var row in rows)
            {
                var legs = Legs.FromJson(row.LegsJson);
                if (Blockages.Find(legs, row.PositionLocation, closedNodes, closedLegs, from, to) is not { } blockage) continue;
                var key = (row.PositionLocation ?? row.Origin, row.Destination, DateOnly.FromDateTime(blockage.PassesAt.UtcDateTime));
                if (!requests.TryGetValue(key, out var requestId)) requests[key] = requestId = Guid.CreateVersion7();
                blocked.Add((row, legs, blockage, requestId));
            }
            if (blocked.Count > 0)
            {
                var inserted = (await connection.QueryAsync<Guid>(InsertSql, new
                {
                    DisruptionId = disruptionId, m.Reason, NodeIds = m.NodeIds.ToArray(), Now = now,
                    ShipmentIds = blocked.Select(b => b.Row.Id).ToArray(), LegIndexes = blocked.Select(b => b.Blockage.LegIndex).ToArray(),
                    Hours = blocked.Select(b => b.Blockage.WaitHours).ToArray(), RequestIds = blocked.Select(b => b.RequestId).ToArray(),
                }, tx)).ToHashSet();
                var waiting = blocked.Where(b => inserted.Contains(b.Row.Id)).ToList();
                foreach (var b in waiting)
                {
                    var leg = b.Legs[b.Blockage.LegIndex];
                    b.Legs[b.Blockage.LegIndex] = leg with { DisruptionHours = leg.DisruptionHours + b.Blockage.WaitHours };
                }
                await Tracker.ApplyAll(work, waiting.Select(b => (b.Row, b.Legs)).ToList(), m.Reason, now);
                await work.EnqueueAll(waiting.GroupBy(b => b.RequestId).Select(g => g.First()).Select(b => new ShipmentRerouteRequested
                {
                    RequestId = b.RequestId, ShipmentId = b.Row.Id, From = b.Row.PositionLocation ?? b.Row.Origin, To = b.Row.Destination,
                    Date = DateOnly.FromDateTime(b.Blockage.PassesAt.UtcDateTime), Avoid = closedNodes.ToList(), RequestedAt = now,
                }).ToList());
            }
            await work.Commit(context.CancellationToken);
            if (rows.Count < chunk) break;
        }
        await outbox.HandleOnce(context, "shipments.route-network-changed", _ => Task.CompletedTask);
    }
}

/// <summary>
/// Routing's answer to a reroute request: the exception of every shipment that shares the request (those blocked at the
/// same place, bound for the same destination on the same day), with the fastest alternative if there is one, told
/// in ShipmentExceptionsRaised messages of up to <see cref="Tracker.MaxPerMessage"/> exceptions.
/// </summary>
public sealed class AlternativeRoutesComputedConsumer(Outbox outbox, TimeProvider clock) : IConsumer<AlternativeRoutesComputed>
{
    private const string AnswerSql = """
        UPDATE shipment_disruptions SET answered_at = @Now WHERE request_id = @RequestId AND answered_at IS NULL
        RETURNING shipment_id AS ShipmentId, reason AS Reason, node_ids AS NodeIds
        """;

    private const string ShipmentsSql = $"SELECT {ShipmentRow.Columns} FROM shipments WHERE id = ANY(@Ids)";

    private sealed record Request
    {
        public Guid ShipmentId { get; init; }
        public string Reason { get; init; } = "";
        public string[] NodeIds { get; init; } = [];
    }

    public Task Consume(ConsumeContext<AlternativeRoutesComputed> context) =>
        outbox.HandleOnce(context, "shipments.alternative-routes-computed", async work =>
        {
            var (connection, tx) = work;
            var m = context.Message;
            var now = clock.GetUtcNow();
            var requests = (await connection.QueryAsync<Request>(AnswerSql, new { m.RequestId, Now = now }, tx))
                .ToDictionary(r => r.ShipmentId);
            if (requests.Count == 0) return;
            var rows = await connection.QueryAsync<ShipmentRow>(ShipmentsSql, new { Ids = requests.Keys.ToArray() }, tx);
            var best = m.Routes.Count > 0 ? m.Routes[0] : null;
            var alternative = best is null ? null : new AlternativeRoute
            {
                From = m.From, To = m.To, TotalHours = best.TotalHours, EstimatedArrival = now.AddHours(best.TotalHours),
                Legs = best.Legs.Select(l => new AlternativeLeg
                {
                    From = l.From, To = l.To, Mode = l.Mode, Hours = l.Hours, BorderCrossing = l.BorderCrossing,
                    GaugeChange = l.GaugeChange,
                }).ToList(),
            };
            var exceptions = rows.Where(r => r.Status is not (ShipmentStatus.Delivered or ShipmentStatus.Cancelled))
                .OrderBy(r => r.Id).Select(row => new ShipmentException
                {
                    Id = Guid.CreateVersion7(), ShipmentId = row.Id, PartyOrgs = row.Parties, Reason = requests[row.Id].Reason,
                    NodeIds = requests[row.Id].NodeIds, At = now, EstimatedArrival = ShipmentRow.Utc(row.EstimatedArrival),
                    Alternative = alternative,
                }).ToList();
            if (exceptions.Count > 0)
                await work.EnqueueAll(exceptions.Chunk(Tracker.MaxPerMessage)
                    .Select(c => new ShipmentExceptionsRaised { Exceptions = [.. c] }).ToList());
        });
}

public static class DisruptionRegistration
{
    public static void AddDisruptionConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<RouteNetworkChangedConsumer>();
        x.AddConsumer<AlternativeRoutesComputedConsumer>();
    }
}
