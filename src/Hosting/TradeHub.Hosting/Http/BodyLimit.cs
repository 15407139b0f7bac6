using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace TradeHub.Hosting.Http;

/// <summary>
/// A body declared larger than Kestrel's limit is refused with 413 before anything else can answer (a 401 for a bad
/// token, a 429) and leave it unread. After any answer Kestrel reads and drops an unread body, so the connection can
/// carry the client's next request; a body over the limit made it drop the connection instead, and the client either
/// lost this answer or sent its next request down a dead connection (the hostile-input test saw both). So for a
/// refused body up to <see cref="DrainedAfterRefusal"/> the limit is raised for that drain; a larger one is answered
/// with <c>Connection: close</c>. A chunked body that no one read before the answer gets the same drain.
/// </summary>
internal static class BodyLimit
{
    private const string TooLargeType = "https://tools.ietf.org/html/rfc9110#section-15.5.14";
    internal const long DrainedAfterRefusal = 1024 * 1024;

    public static Func<HttpContext, Func<Task>, Task> RefuseOversizedBodies(long? limit) => async (http, next) =>
    {
        if (limit is null || !(http.Request.ContentLength > limit))
        {
            if (http.Request.ContentLength is null && http.Request.Headers.TransferEncoding.Count > 0
                && http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { } chunked)
                DrainIfUnread(http, chunked);
            await next();
            return;
        }
        if (http.Request.ContentLength <= DrainedAfterRefusal
            && http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = DrainedAfterRefusal;
        else
            http.Response.Headers.Connection = "close";

        http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "The request body is too large.",
                Detail = $"The limit is {limit} bytes.",
                Type = TooLargeType,
            },
        });
    };

    /// <summary>
    /// A chunked body's size shows only as it is read. If the answer starts before anyone read it (a refusal), the
    /// limit is raised (never lowered) for Kestrel's drain, as for a declared one.
    /// </summary>
    private static void DrainIfUnread(HttpContext http, IHttpMaxRequestBodySizeFeature size) =>
        http.Response.OnStarting(() =>
        {
            if (!size.IsReadOnly && size.MaxRequestBodySize < DrainedAfterRefusal) size.MaxRequestBodySize = DrainedAfterRefusal;
            return Task.CompletedTask;
        });
}
