using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Messaging;

namespace TradeHub.Listings.Common;

/// <summary>What a create handler decided: a refusal (404, 409) or the created resource.</summary>
public sealed record CreateOutcome(IResult? Refusal, string? Location, object? Body)
{
    public static CreateOutcome Refuse(IResult refusal) => new(refusal, null, null);
    public static CreateOutcome Created(string location, object body) => new(null, location, body);
}

public static class Creation
{
    /// <summary>
    /// Runs a create in one transaction with its Idempotency-Key and its outbox events, so the resource,
    /// the stored answer and the events commit together or not at all.
    /// </summary>
    public static async Task<IResult> Run<TRequest>(
        Outbox outbox, HttpContext http, Caller caller, TRequest request,
        Func<OutboxTransaction, Task<CreateOutcome>> create)
    {
        var key = http.Request.Headers[Idempotency.Header].ToString();
        if (key.Length > 200)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                { [Idempotency.Header] = ["The Idempotency-Key must be at most 200 characters."] });

        await using var work = await outbox.Begin(http.RequestAborted);
        var (connection, tx) = work;
        if (key.Length > 0)
        {
            switch (await Idempotency.Claim(connection, tx, caller.Org, key, Idempotency.Hash(http.Request, request)))
            {
                case Idempotency.Conflict:
                    return TypedResults.Problem(statusCode: 409, title: "Idempotency-Key reused with another request.",
                        detail: "This Idempotency-Key was first used with a different path or request body.");
                case Idempotency.Replay replay:
                    http.Response.Headers.Location = replay.ResourcePath;
                    return TypedResults.Content(replay.Response, "application/json", Encoding.UTF8, 201);
            }
        }

        var outcome = await create(work);
        if (outcome.Refusal is not null) return outcome.Refusal;
        if (key.Length > 0) await Idempotency.Save(connection, tx, caller.Org, key, outcome.Location!, outcome.Body);
        await work.Commit(http.RequestAborted);
        return TypedResults.Created(outcome.Location, outcome.Body);
    }

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: 403, title: "Not allowed.", detail: detail);

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: 404, title: $"No such {what}.", detail: $"The {what} does not exist or is not yours to see.");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: 409, title: "The request conflicts with the current state.", detail: detail);
}
