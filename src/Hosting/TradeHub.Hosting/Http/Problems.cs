using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace TradeHub.Hosting.Http;

/// <summary>
/// Turns what fails before or outside a handler into RFC 7807 answers: unreadable JSON names the field
/// (400), wrong content type (415), body too large (413), database away (503). Nothing becomes a 500
/// unless it is a real bug, and then without details.
/// </summary>
public sealed class ProblemExceptionHandler(
    IProblemDetailsService problems, ILogger<ProblemExceptionHandler> log, IHostEnvironment environment)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, problem) = Describe(exception);
        if (status >= 500 && status != 503)
        {
            log.LogError(exception, "Unhandled error on {Path}", httpContext.Request.Path);
            // Local runs and tests show the bug; production never does.
            if (environment.EnvironmentName == "Development") problem.Detail = exception.ToString();
        }
        if (status == 503) httpContext.Response.Headers.RetryAfter = "2";
        httpContext.Response.StatusCode = status;
        problem.Status = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    internal static (int Status, ProblemDetails Problem) Describe(Exception exception) => exception switch
    {
        BadHttpRequestException { InnerException: JsonException json } => (400, FieldProblem(json)),
        BadHttpRequestException { StatusCode: 415 } => (415, new ProblemDetails
            { Title = "The request body must be JSON (Content-Type: application/json)." }),
        BadHttpRequestException { StatusCode: 413 } => (413, new ProblemDetails
            { Title = "The request body is too large." }),
        BadHttpRequestException bad => (bad.StatusCode, new ProblemDetails { Title = bad.Message }),
        // Class 22 is a data exception: a value the client sent that PostgreSQL cannot take; the request is at fault.
        PostgresException { SqlState: [ '2', '2', ..] } => (400, new ProblemDetails
            { Title = "A value in the request cannot be stored.", Detail = "Check text for control characters and numbers for range." }),
        NpgsqlException or TimeoutException or InvalidOperationException { InnerException: NpgsqlException } =>
            (503, new ProblemDetails { Title = "The service's database is not available; try again shortly." }),
        OperationCanceledException => (499, new ProblemDetails { Title = "The request was cancelled." }),
        _ => (500, new ProblemDetails { Title = "An unexpected error occurred." }),
    };

    private static HttpValidationProblemDetails FieldProblem(JsonException json)
    {
        var field = FieldName(json.Path);
        var message = json.Path is null or "$"
            ? "The body is not valid JSON."
            : $"The value of '{field}' is not valid for its type.";
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Title = "The request body could not be read.",
        };
    }

    /// <summary>"$.containers.count" becomes "containers.count"; "$" becomes "body".</summary>
    internal static string FieldName(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "body";
        var trimmed = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return string.Join('.', trimmed.Split('.').Select(Validation.JsonName));
    }
}
