using Dapper;
using FluentValidation;
using Npgsql;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Http;
using TradeHub.Hosting.Messaging;
using TradeHub.Shipments.Common;
using TradeHub.Shipments.Contracts;

namespace TradeHub.Shipments.Tracking;

/// <summary>Tracking vocabulary, after DCSA Track and Trace.</summary>
public static class Vocabulary
{
    public static readonly string[] Types = ["DEPA", "ARRI", "GTIN", "GTOT", "LOAD", "DISC", "CUSS", "CUSI", "CUSR"];
    public static readonly string[] Classifiers = ["ACT", "EST"];
    public const int MaxBatch = 500;
}

/// <summary>One tracking event as a carrier posts it. A retraction names the event it withdraws.</summary>
public sealed record TrackingEventInput(
    string? EventId, string? Type, string? Location, DateTimeOffset? EventDateTime, string? Classifier, string? Reason,
    string? RetractedEventId);

/// <summary>One event (its fields at the top level) or a batch under "events".</summary>
public sealed record PostTrackingEvents(
    string? EventId, string? Type, string? Location, DateTimeOffset? EventDateTime, string? Classifier, string? Reason,
    string? RetractedEventId, List<TrackingEventInput>? Events)
{
    public bool IsBatch => Events is not null;

    public IReadOnlyList<TrackingEventInput> All() =>
        Events ?? [new TrackingEventInput(EventId, Type, Location, EventDateTime, Classifier, Reason, RetractedEventId)];
}

public sealed class TrackingEventInputValidator : AbstractValidator<TrackingEventInput>
{
    public TrackingEventInputValidator()
    {
        RuleFor(e => e.EventId).NotEmpty().MaximumLength(100);
        RuleFor(e => e.RetractedEventId).MaximumLength(100).NotEqual(e => e.EventId)
            .WithMessage("'retractedEventId' must name another event.");
        When(e => e.RetractedEventId is null, () =>
        {
            RuleFor(e => e.Type).NotEmpty().Must(t => t is null || Vocabulary.Types.Contains(t))
                .WithMessage($"'type' must be one of {string.Join(", ", Vocabulary.Types)}.");
            RuleFor(e => e.Classifier).NotEmpty().Must(c => c is null || Vocabulary.Classifiers.Contains(c))
                .WithMessage("'classifier' must be ACT or EST.");
            RuleFor(e => e.Location).NotEmpty().MaximumLength(5);
            RuleFor(e => e.EventDateTime).NotNull();
        });
        RuleFor(e => e.Reason).MaximumLength(1000);
    }
}

/// <summary>
/// A single event is checked under its own field names, a batch under "events[i].field"; one rule does both, so the
/// two shapes cannot be confused.
/// </summary>
public sealed class PostTrackingEventsValidator : AbstractValidator<PostTrackingEvents>
{
    private static readonly TrackingEventInputValidator Event = new();

    public PostTrackingEventsValidator() => RuleFor(r => r).Custom((request, context) =>
    {
        if (request.Events is not { } events)
        {
            foreach (var failure in Event.Validate(request.All()[0]).Errors)
                context.AddFailure(failure.PropertyName, failure.ErrorMessage);
            return;
        }
        if (events.Count is 0 or > Vocabulary.MaxBatch)
        {
            context.AddFailure("events", $"'events' must hold 1 to {Vocabulary.MaxBatch} events.");
            return;
        }
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is not { } e)
            {
                context.AddFailure($"events[{i}]", $"'events[{i}]' must be an event.");
                continue;
            }
            foreach (var failure in Event.Validate(e).Errors)
                context.AddFailure($"events[{i}].{failure.PropertyName}", failure.ErrorMessage);
        }
        var ids = events.Where(e => e?.EventId is not null).Select(e => e!.EventId).ToList();
        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Count)
            context.AddFailure("events", "'events' must not repeat an eventId.");
    });
}

/// <summary>An accepted event (a repeat of one already recorded is accepted and changes nothing).</summary>
public sealed record AcceptedEvent(string EventId, bool Duplicate);

/// <summary>A refused event, with the field that makes it impossible.</summary>
public sealed record RefusedEvent(string? EventId, int Index, string Field, string Message);

public sealed record TrackingAnswer(Guid ShipmentId, IReadOnlyList<AcceptedEvent> Accepted, IReadOnlyList<RefusedEvent> Refused);

/// <summary>A shipment's timeline, oldest first.</summary>
public sealed record Timeline(Guid ShipmentId, IReadOnlyList<TimelineEntry> Items);

/// <summary>One entry of a shipment's timeline.</summary>
public sealed record TimelineEntry(string? EventId, string Type, string Classifier, string Location,
    DateTimeOffset EventDateTime, int Leg, string Carrier, string? Reason);

public static class TrackingApi
{
    public static IEndpointRouteBuilder MapTrackingApi(this IEndpointRouteBuilder app)
    {
        var shipments = app.MapGroup("/api/shipments").RequireAuthorization().WithTags("Shipments");
        shipments.MapPost("/{id:guid}/events", Post).Validate<PostTrackingEvents>().WithName("postTrackingEvents")
            .WithSummary("A carrier reports tracking events (DCSA vocabulary) on its legs, one or a batch of up to 500; " +
                         "idempotent by eventId; impossible events are refused naming the field.")
            .Produces<TrackingAnswer>(StatusCodes.Status202Accepted);
        shipments.MapGet("/{id:guid}/events", Timeline).WithName("getShipmentTimeline")
            .WithSummary("The shipment's timeline: planned, estimated and actual times per leg, oldest first.")
            .Produces<Timeline>();
        return app;
    }

    private static async Task<IResult> Post(Guid id, PostTrackingEvents request, HttpContext http, Outbox outbox,
        TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        await using var work = await outbox.Begin(http.RequestAborted);
        var (connection, tx) = work;
        var row = await connection.QuerySingleOrDefaultAsync<ShipmentRow>(ShipmentsApi.ByIdSql + " FOR UPDATE", new { Id = id }, tx);
        if (row is null || !row.IsParty(caller)) return Answers.NotFound();
        if (!row.CarrierOrgs.Contains(caller.Org)) return Answers.Forbidden("Only the carrier of a leg posts its events.");
        if (row.Status is ShipmentStatus.Delivered or ShipmentStatus.Cancelled)
            return Answers.Conflict($"The shipment is {row.Status}; it takes no more events.");

        var outcome = await Tracker.Record(work, row, caller.Org, request.All(), clock);
        if (outcome.Accepted.Count == 0)
            return TypedResults.ValidationProblem(outcome.Refused.ToDictionary(
                    r => request.IsBatch ? $"events[{r.Index}].{r.Field}" : r.Field, r => new[] { r.Message }),
                title: "The events cannot be true of this shipment.");
        await work.Commit(http.RequestAborted);
        return TypedResults.Accepted($"/api/shipments/{id}/events", new TrackingAnswer(id, outcome.Accepted, outcome.Refused));
    }

    private static async Task<IResult> Timeline(Guid id, HttpContext http, NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
        var row = await connection.QuerySingleOrDefaultAsync<ShipmentRow>(ShipmentsApi.ByIdSql, new { Id = id });
        if (row is null || !row.IsParty(Caller.From(http.User))) return Answers.NotFound();
        var recorded = await Tracker.Events(connection, null, id);
        var legs = Legs.FromJson(row.LegsJson);
        var entries = new List<TimelineEntry>();
        for (var i = 0; i < legs.Count; i++)
        {
            var l = legs[i];
            entries.Add(new TimelineEntry(null, "DEPA", "PLN", l.From, l.PlannedDeparture, i, l.Carrier, null));
            entries.Add(new TimelineEntry(null, "ARRI", "PLN", l.To, l.PlannedArrival, i, l.Carrier, null));
            if (l.ActualDeparture is null)
                entries.Add(new TimelineEntry(null, "DEPA", "EST", l.From, l.EstimatedDeparture, i, l.Carrier, null));
            if (l.ActualArrival is null)
                entries.Add(new TimelineEntry(null, "ARRI", "EST", l.To, l.EstimatedArrival, i, l.Carrier, null));
        }
        entries.AddRange(recorded.Where(e => !e.Retracted && e.RetractedEventId is null && e.Classifier == "ACT").Select(e =>
            new TimelineEntry(e.EventId, e.Type, e.Classifier, e.Location, ShipmentRow.Utc(e.EventTime), e.LegIndex,
                e.CarrierOrg, e.Reason)));
        var order = new Dictionary<string, int> { ["PLN"] = 0, ["EST"] = 1, ["ACT"] = 2 };
        return TypedResults.Ok(new Timeline(id,
            entries.OrderBy(e => e.EventDateTime).ThenBy(e => order[e.Classifier]).ThenBy(e => e.Leg).ToList()));
    }
}
