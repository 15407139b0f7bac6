using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace TradeHub.Hosting.Http;

/// <summary>The problems a service answers when a request meets the data: not yours, not there, not now.</summary>
public static class Refusal
{
    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: 403, title: "Not allowed.", detail: detail);

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: 404, title: $"No such {what}.", detail: $"The {what} does not exist or is not yours to see.");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: 409, title: "The request conflicts with the current state.", detail: detail);
}
