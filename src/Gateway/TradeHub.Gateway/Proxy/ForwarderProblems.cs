using Yarp.ReverseProxy.Forwarder;

namespace TradeHub.Gateway.Proxy;

/// <summary>
/// YARP answers a failed forward with a bare status code; this turns it into an RFC 7807 answer that tells the
/// caller whether to retry: a service that is away is 503, one that did not answer in time is 504.
/// </summary>
internal static class ForwarderProblems
{
    public static async Task Answer(HttpContext http, Func<Task> next)
    {
        await next();
        var error = http.Features.Get<IForwarderErrorFeature>();
        if (error is null || error.Error == ForwarderError.None || http.Response.HasStarted) return;

        var (status, title) = Describe(error);
        if (status is null) return;
        if (status == 503) http.Response.Headers.RetryAfter = "2";
        // The body was left half read (over the limit, or broken off): the connection cannot carry another request.
        if (error.Error == ForwarderError.RequestBodyClient) http.Response.Headers.Connection = "close";
        await Problem.Write(http, status.Value, title);
    }

    internal static (int? Status, string Title) Describe(IForwarderErrorFeature error) => error.Error switch
    {
        ForwarderError.RequestTimedOut => (504, "The service did not answer in time; try again shortly."),
        ForwarderError.NoAvailableDestinations or ForwarderError.Request or ForwarderError.ResponseHeaders =>
            (503, "The service is not available; try again shortly."),
        ForwarderError.RequestBodyClient when TooLarge(error.Exception) => (413, "The request body is too large."),
        ForwarderError.RequestBodyClient => (400, "The request body could not be read."),
        ForwarderError.RequestBodyDestination => (503, "The service did not accept the request; try again shortly."),
        // The caller went away; nobody is left to read an answer.
        ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled => (null, ""),
        _ => (502, "The service's answer could not be relayed."),
    };

    /// <summary>Kestrel's body limit, as YARP reports it when a chunked body outgrows it: wrapped in an AggregateException.</summary>
    private static bool TooLarge(Exception? e) => e switch
    {
        null => false,
        BadHttpRequestException { StatusCode: 413 } => true,
        AggregateException all => all.InnerExceptions.Any(TooLarge),
        _ => TooLarge(e.InnerException),
    };
}
