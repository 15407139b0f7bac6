namespace TradeHub.Shipments.Common;

/// <summary>The problem answers the shipment endpoints share.</summary>
internal static class Answers
{
    /// <summary>Absent and not-yours look the same: a stranger learns nothing about a shipment.</summary>
    public static IResult NotFound() =>
        TypedResults.Problem(statusCode: 404, title: "No such shipment among yours.");

    public static IResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: 403, title: "Forbidden", detail: detail);

    public static IResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: 409, title: "The shipment's state does not allow this.", detail: detail);

    public static IResult Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] },
            title: "The request has invalid fields.");
}
