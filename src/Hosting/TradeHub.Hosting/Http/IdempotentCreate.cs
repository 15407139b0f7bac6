using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using TradeHub.Hosting.Auth;
using TradeHub.Hosting.Messaging;

namespace TradeHub.Hosting.Http;

/// <summary>What a create decided: a refusal (a problem or an invalid field) or the created resource.</summary>
public sealed record CreateOutcome<TView>(ProblemHttpResult? Problem, ValidationProblem? Invalid, string? Location, TView? Body)
    where TView : class
{
    public static CreateOutcome<TView> Refuse(ProblemHttpResult problem) => new(problem, null, null, null);
    public static CreateOutcome<TView> Refuse(ValidationProblem invalid) => new(null, invalid, null, null);
    public static CreateOutcome<TView> Created(string location, TView body) => new(null, null, location, body);
}

/// <summary>
/// A create under its Idempotency-Key: the resource, the stored answer and its outbox events commit in one
/// transaction or not at all; a repeat of the request gets the first answer, a reuse of the key with another request a 409.
/// </summary>
public static class IdempotentCreate
{
    public static async Task<Results<Created<TView>, ContentHttpResult, ProblemHttpResult, ValidationProblem>> Run<TRequest, TView>(
        Outbox outbox, HttpContext http, TRequest request, Func<OutboxTransaction, Caller, Task<CreateOutcome<TView>>> create)
        where TView : class
    {
        var caller = Caller.From(http.User);
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

        var outcome = await create(work, caller);
        if (outcome.Problem is not null) return outcome.Problem;
        if (outcome.Invalid is not null) return outcome.Invalid;
        if (key.Length > 0) await Idempotency.Save(connection, tx, caller.Org, key, outcome.Location!, outcome.Body);
        await work.Commit(http.RequestAborted);
        return TypedResults.Created(outcome.Location, outcome.Body);
    }
}
