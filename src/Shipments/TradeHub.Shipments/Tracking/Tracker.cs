using Dapper;
using Npgsql;
using TradeHub.Hosting.Messaging;
using TradeHub.Shipments.Common;
using TradeHub.Shipments.Contracts;

namespace TradeHub.Shipments.Tracking;

/// <summary>A recorded tracking event.</summary>
internal sealed record EventRow
{
    public Guid ShipmentId { get; init; }
    public string EventId { get; init; } = "";
    public long Seq { get; init; }
    public string Type { get; init; } = "";
    public string Classifier { get; init; } = "";
    public string Location { get; init; } = "";
    public DateTime EventTime { get; init; }
    public int LegIndex { get; init; }
    public string CarrierOrg { get; init; } = "";
    public string? Reason { get; init; }
    public string? RetractedEventId { get; init; }
    public bool Retracted { get; init; }
}

internal sealed record RecordOutcome(List<AcceptedEvent> Accepted, List<RefusedEvent> Refused);

/// <summary>
/// Records carriers' tracking events on a shipment (locked by the caller), refuses what cannot be true, derives the
/// legs' actual times from what stands, re-estimates the rest and writes the events that follow, in the caller's transaction.
/// </summary>
internal static class Tracker
{
    /// <summary>
    /// The most shipments' events one message carries. Thousands in one (a closure's estimates, the exceptions of a
    /// shared reroute request) made messages of several megabytes, each serialised, stored and relayed through buffers
    /// of its size on the large-object heap, where they waited for a full collection.
    /// </summary>
    internal const int MaxPerMessage = 200;

    private const string EventsSql = """
        SELECT event_id AS EventId, seq AS Seq, type AS Type, classifier AS Classifier, location AS Location,
               event_time AS EventTime, leg_index AS LegIndex, carrier_org AS CarrierOrg, reason AS Reason,
               retracted_event_id AS RetractedEventId, retracted AS Retracted
        FROM tracking_events WHERE shipment_id = @Id ORDER BY seq
        """;

    private const string InsertSql = """
        INSERT INTO tracking_events (shipment_id, event_id, type, classifier, location, event_time, leg_index, carrier_org,
            reason, retracted_event_id, recorded_at)
        SELECT @ShipmentId, e.id, e.type, e.classifier, e.location, e.at, e.leg, @Carrier, e.reason, e.retracts, @Now
        FROM unnest(@Ids, @Types, @Classifiers, @Locations, @Times, @LegIndexes, @Reasons, @Retracts)
            AS e(id, type, classifier, location, at, leg, reason, retracts)
        ON CONFLICT DO NOTHING
        """;

    private const string RetractSql = "UPDATE tracking_events SET retracted = true WHERE shipment_id = @Id AND event_id = ANY(@EventIds)";

    private const string UpdateSql = """
        UPDATE shipments SET legs = CAST(@Legs AS jsonb), status = @Status, estimated_arrival = @EstimatedArrival,
            delayed = @Delayed, position_location = @PositionLocation, position_since = @PositionSince
        WHERE id = @Id
        """;

    // One index probe per shipment. With `shipment_id = ANY(@Ids)` the planner judged a thousand shipments by the
    // average count of events per shipment and scanned the whole table, checking every row against the thousand ids:
    // 370 ms a closure chunk once the tracked shipments held 375,000 events, though the closure's own shipments had a
    // few each. OFFSET 0 keeps the lateral subquery from being flattened into that same scan; Reestimate orders by seq.
    // The planner still expects a hundred events per shipment, which puts the statement above PostgreSQL's JIT
    // thresholds: compiling it took 2.7 of its 2.8 s over a closure's chunks, so the transaction runs it without JIT.
    private const string EventsOfManySql = """
        SELECT e.shipment_id AS ShipmentId, e.event_id AS EventId, e.seq AS Seq, e.type AS Type, e.classifier AS Classifier,
               e.location AS Location, e.event_time AS EventTime, e.leg_index AS LegIndex, e.carrier_org AS CarrierOrg,
               e.reason AS Reason, e.retracted_event_id AS RetractedEventId, e.retracted AS Retracted
        FROM unnest(@Ids) AS s(id)
        CROSS JOIN LATERAL (SELECT * FROM tracking_events t WHERE t.shipment_id = s.id OFFSET 0) e
        """;

    private const string UpdateManySql = """
        UPDATE shipments s SET legs = CAST(u.legs AS jsonb), status = u.status, estimated_arrival = u.estimated_arrival,
            delayed = u.delayed, position_location = u.position_location, position_since = u.position_since
        FROM unnest(@Ids, @Legs, @Statuses, @Arrivals, @Delayed, @Locations, @Since)
            AS u(id, legs, status, estimated_arrival, delayed, position_location, position_since)
        WHERE s.id = u.id
        """;

    public static async Task<List<EventRow>> Events(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid shipmentId) =>
        (await connection.QueryAsync<EventRow>(EventsSql, new { Id = shipmentId }, tx)).AsList();

    public static async Task<RecordOutcome> Record(OutboxTransaction work, ShipmentRow row,
        string carrier, IReadOnlyList<TrackingEventInput> input, TimeProvider clock)
    {
        var (connection, tx) = work;
        var now = clock.GetUtcNow();
        var legs = Legs.FromJson(row.LegsJson);
        var recorded = await Events(connection, tx, row.Id);
        var known = recorded.ToDictionary(e => e.EventId);
        var accepted = new List<AcceptedEvent>();
        var refused = new List<RefusedEvent>();
        var fresh = new List<EventRow>();
        for (var i = 0; i < input.Count; i++)
        {
            var e = input[i];
            if (known.ContainsKey(e.EventId!))
            {
                accepted.Add(new AcceptedEvent(e.EventId!, Duplicate: true));
                continue;
            }
            EventRow? retracted = null;
            if (e.RetractedEventId is not null)
            {
                if (!known.TryGetValue(e.RetractedEventId, out retracted) || retracted.CarrierOrg != carrier)
                {
                    refused.Add(new RefusedEvent(e.EventId, i, "retractedEventId", "'retractedEventId' names no event of yours on this shipment."));
                    continue;
                }
            }
            var type = e.Type ?? retracted!.Type;
            var classifier = e.Classifier ?? retracted!.Classifier;
            var location = e.Location ?? retracted!.Location;
            var at = e.EventDateTime?.ToUniversalTime() ?? ShipmentRow.Utc(retracted!.EventTime);
            // What happened cannot be far in the future; an estimate can.
            if (classifier == "ACT" && at > now.AddDays(1))
            {
                refused.Add(new RefusedEvent(e.EventId, i, "eventDateTime", "'eventDateTime' is more than a day ahead."));
                continue;
            }
            var onRoute = Enumerable.Range(0, legs.Count).Where(l => legs[l].Nodes.Contains(location)).ToList();
            if (onRoute.Count == 0)
            {
                refused.Add(new RefusedEvent(e.EventId, i, "location", $"'location' {location} is not on the shipment's route."));
                continue;
            }
            var mine = onRoute.Where(l => legs[l].Carrier == carrier).ToList();
            if (mine.Count == 0)
            {
                refused.Add(new RefusedEvent(e.EventId, i, "location", $"'location' {location} is on another carrier's leg."));
                continue;
            }
            var leg = type switch
            {
                "DEPA" => mine.Where(l => legs[l].From == location).DefaultIfEmpty(mine[0]).First(),
                "ARRI" => mine.Where(l => legs[l].To == location).DefaultIfEmpty(mine[^1]).First(),
                _ => mine[0],
            };
            if (retracted is null && classifier == "ACT")
            {
                var standing = recorded.Concat(fresh).Where(r => !r.Retracted && r.RetractedEventId is null && r.Classifier == "ACT" && r.LegIndex == leg).ToList();
                var departed = standing.LastOrDefault(r => r.Type == "DEPA" && r.Location == legs[leg].From);
                var arrived = standing.LastOrDefault(r => r.Type == "ARRI" && r.Location == legs[leg].To);
                if (type == "ARRI" && location == legs[leg].To && departed is not null && at < ShipmentRow.Utc(departed.EventTime))
                {
                    refused.Add(new RefusedEvent(e.EventId, i, "eventDateTime", "'eventDateTime' is an arrival before the leg departed."));
                    continue;
                }
                if (type == "DEPA" && location == legs[leg].From && arrived is not null && at > ShipmentRow.Utc(arrived.EventTime))
                {
                    refused.Add(new RefusedEvent(e.EventId, i, "eventDateTime", "'eventDateTime' is a departure after the leg arrived."));
                    continue;
                }
            }
            var row2 = new EventRow
            {
                EventId = e.EventId!, Type = type, Classifier = classifier, Location = location, EventTime = at.UtcDateTime,
                LegIndex = leg, CarrierOrg = carrier, Reason = e.Reason, RetractedEventId = e.RetractedEventId,
                Seq = long.MaxValue - input.Count + i,
            };
            fresh.Add(row2);
            known[row2.EventId] = row2;
            if (retracted is not null)
            {
                var withdrawn = retracted with { Retracted = true };
                known[withdrawn.EventId] = withdrawn;
                if (recorded.IndexOf(retracted) is >= 0 and var r) recorded[r] = withdrawn;
                else fresh[fresh.IndexOf(retracted)] = withdrawn;
            }
            accepted.Add(new AcceptedEvent(row2.EventId, Duplicate: false));
        }
        if (fresh.Count == 0) return new RecordOutcome(accepted, refused);

        await connection.ExecuteAsync(InsertSql, new
        {
            ShipmentId = row.Id, Carrier = carrier, Now = now,
            Ids = fresh.Select(f => f.EventId).ToArray(), Types = fresh.Select(f => f.Type).ToArray(),
            Classifiers = fresh.Select(f => f.Classifier).ToArray(), Locations = fresh.Select(f => f.Location).ToArray(),
            Times = fresh.Select(f => DateTime.SpecifyKind(f.EventTime, DateTimeKind.Utc)).ToArray(),
            LegIndexes = fresh.Select(f => f.LegIndex).ToArray(), Reasons = fresh.Select(f => f.Reason).ToArray(),
            Retracts = fresh.Select(f => f.RetractedEventId).ToArray(),
        }, tx);
        var retractions = fresh.Where(f => f.RetractedEventId is not null).Select(f => f.RetractedEventId!).Distinct().ToArray();
        if (retractions.Length > 0) await connection.ExecuteAsync(RetractSql, new { row.Id, EventIds = retractions }, tx);

        // One message for the post, not one per event: each message costs a publish and, at every consumer, a
        // transaction of its own (Webhooks' inbox and fan-out), which at a hundred events a post was most of the work.
        await work.Enqueue(new ShipmentEventsRecorded
        {
            ShipmentId = row.Id, PartyOrgs = row.Parties, CarrierOrg = carrier, RecordedAt = now,
            Events = fresh.Select(f => new RecordedTrackingEvent
            {
                Id = Guid.CreateVersion7(), EventId = f.EventId, Type = f.Type, Classifier = f.Classifier, Location = f.Location,
                EventDateTime = ShipmentRow.Utc(f.EventTime), Reason = f.Reason, RetractedEventId = f.RetractedEventId,
            }).ToList(),
        });

        var all = recorded.Concat(fresh).ToList();
        await Apply(work, row, legs, all, fresh[^1].EventId, now);
        return new RecordOutcome(accepted, refused);
    }

    /// <summary>Actual times from the standing ACT events, estimates from them, and the events a change of estimate causes.</summary>
    public static Task Apply(OutboxTransaction work, ShipmentRow row, List<Leg> legs,
        IReadOnlyList<EventRow> events, string cause, DateTimeOffset now) =>
        Store(work, [Reestimate(row, legs, events, cause, now)]);

    /// <summary>
    /// <see cref="Apply"/> for many shipments at once (a disruption reaching thousands): their events read in one
    /// statement, their new estimates written in one, and the events they cause queued together.
    /// </summary>
    public static async Task ApplyAll(OutboxTransaction work, IReadOnlyList<(ShipmentRow Row, List<Leg> Legs)> shipments,
        string cause, DateTimeOffset now)
    {
        if (shipments.Count == 0) return;
        var (connection, tx) = work;
        await connection.ExecuteAsync("SET LOCAL jit = off", transaction: tx);
        var events = (await connection.QueryAsync<EventRow>(EventsOfManySql,
                new { Ids = shipments.Select(s => s.Row.Id).ToArray() }, tx))
            .GroupBy(e => e.ShipmentId).ToDictionary(g => g.Key, g => (IReadOnlyList<EventRow>)g.ToList());
        await Store(work, shipments.Select(s =>
            Reestimate(s.Row, s.Legs, events.GetValueOrDefault(s.Row.Id) ?? [], cause, now)).ToList());
    }

    /// <summary>A shipment's new state and what its change of estimate tells.</summary>
    internal sealed record Reestimated(Guid Id, string LegsJson, string Status, DateTimeOffset EstimatedArrival, bool Delayed,
        string? PositionLocation, DateTimeOffset? PositionSince, ShipmentEtaChanged? EtaChanged, ShipmentDelayed? DelayedEvent);

    internal static Reestimated Reestimate(ShipmentRow row, List<Leg> legs, IReadOnlyList<EventRow> events, string cause,
        DateTimeOffset now)
    {
        // A retraction stands for nothing itself; it only withdraws the event it names.
        var standing = events.Where(e => !e.Retracted && e.RetractedEventId is null).OrderBy(e => e.Seq).ToList();
        for (var i = 0; i < legs.Count; i++)
        {
            var leg = legs[i];
            var acts = standing.Where(e => e.LegIndex == i && e.Classifier == "ACT").ToList();
            DateTimeOffset? Act(string type, string place) =>
                acts.LastOrDefault(e => e.Type == type && e.Location == place) is { } found ? ShipmentRow.Utc(found.EventTime) : null;
            legs[i] = leg with { ActualDeparture = Act("DEPA", leg.From), ActualArrival = Act("ARRI", leg.To) };
        }
        var estimates = standing.Where(e => e.Classifier == "EST" && e.Type is "DEPA" or "ARRI")
            .Select(e => new CarrierEstimate(e.LegIndex, e.Type, ShipmentRow.Utc(e.EventTime))).ToList();
        var estimated = Estimation.Estimate(legs, estimates);
        var lastAct = standing.Where(e => e.Classifier == "ACT").MaxBy(e => (e.EventTime, e.Seq));
        var status = row.Status == ShipmentStatus.Booked && lastAct is not null ? ShipmentStatus.InTransit : row.Status;

        // An arrival moved by more than an hour is told, and so is one that passes deliver-by.
        var before = ShipmentRow.Utc(row.EstimatedArrival);
        var after = estimated.Count > 0 ? estimated[^1].EstimatedArrival : before;
        var delayed = after > Estimation.Deadline(row.DeliverBy);
        return new Reestimated(row.Id, Legs.ToJson(estimated), status, after, delayed,
            lastAct?.Location ?? row.PositionLocation,
            lastAct is not null ? ShipmentRow.Utc(lastAct.EventTime) : row.PositionSince is { } s ? ShipmentRow.Utc(s) : null,
            Math.Abs((after - before).TotalHours) > 1
                ? new ShipmentEtaChanged
                {
                    Id = Guid.CreateVersion7(), ShipmentId = row.Id, PartyOrgs = row.Parties, PreviousEstimatedArrival = before, EstimatedArrival = after,
                    DeliverBy = row.DeliverBy, Cause = cause, ChangedAt = now,
                }
                : null,
            delayed && !row.Delayed
                ? new ShipmentDelayed { Id = Guid.CreateVersion7(), ShipmentId = row.Id, PartyOrgs = row.Parties, EstimatedArrival = after, DeliverBy = row.DeliverBy, At = now }
                : null);
    }

    private static async Task Store(OutboxTransaction work, List<Reestimated> changes)
    {
        var (connection, tx) = work;
        if (changes.Count == 1)
        {
            var c = changes[0];
            await connection.ExecuteAsync(UpdateSql, new
            {
                c.Id, Legs = c.LegsJson, c.Status, c.EstimatedArrival, c.Delayed, c.PositionLocation, c.PositionSince,
            }, tx);
        }
        else
        {
            await connection.ExecuteAsync(UpdateManySql, new
            {
                Ids = changes.Select(c => c.Id).ToArray(), Legs = changes.Select(c => c.LegsJson).ToArray(),
                Statuses = changes.Select(c => c.Status).ToArray(),
                Arrivals = changes.Select(c => c.EstimatedArrival.UtcDateTime).ToArray(),
                Delayed = changes.Select(c => c.Delayed).ToArray(),
                Locations = changes.Select(c => c.PositionLocation).ToArray(),
                Since = changes.Select(c => c.PositionSince?.UtcDateTime).ToArray(),
            }, tx);
        }
        // One message for up to MaxPerMessage estimates this transaction moved, not one per shipment: a closure moves
        // thousands.
        var etaChanged = changes.Where(c => c.EtaChanged is not null).Select(c => c.EtaChanged!).ToList();
        var delayedEvents = changes.Where(c => c.DelayedEvent is not null).Select(c => c.DelayedEvent!).ToList();
        var messages = (Math.Max(etaChanged.Count, delayedEvents.Count) + MaxPerMessage - 1) / MaxPerMessage;
        if (messages > 0)
            await work.EnqueueAll(Enumerable.Range(0, messages).Select(i => new ShipmentEstimatesChanged
            {
                EtaChanged = etaChanged.Skip(i * MaxPerMessage).Take(MaxPerMessage).ToList(),
                Delayed = delayedEvents.Skip(i * MaxPerMessage).Take(MaxPerMessage).ToList(),
            }).ToList());
    }
}
