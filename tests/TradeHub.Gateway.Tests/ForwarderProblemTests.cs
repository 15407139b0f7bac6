using Microsoft.AspNetCore.Http;
using TradeHub.Gateway.Proxy;
using Yarp.ReverseProxy.Forwarder;

namespace TradeHub.Gateway.Tests;

/// <summary>How YARP's forwarding errors become statuses (the cases a test server cannot provoke).</summary>
public sealed class ForwarderProblemTests
{
    private sealed record Failure(ForwarderError Error, Exception? Exception) : IForwarderErrorFeature;

    [Test]
    public void A_chunked_body_over_kestrels_limit_is_413()
    {
        var kestrel = new BadHttpRequestException("Request body too large.", 413);
        var wrapped = new AggregateException(kestrel, new HttpRequestException("copy", new IOException("read", kestrel)));
        Assert.That(ForwarderProblems.Describe(new Failure(ForwarderError.RequestBodyClient, wrapped)).Status, Is.EqualTo(413));
    }

    [TestCase(ForwarderError.Request, 503)]
    [TestCase(ForwarderError.NoAvailableDestinations, 503)]
    [TestCase(ForwarderError.RequestTimedOut, 504)]
    [TestCase(ForwarderError.RequestBodyClient, 400)]
    [TestCase(ForwarderError.ResponseBodyDestination, 502)]
    public void Each_forwarding_error_has_its_status(ForwarderError error, int status) =>
        Assert.That(ForwarderProblems.Describe(new Failure(error, null)).Status, Is.EqualTo(status));

    [Test]
    public void A_caller_that_went_away_gets_no_answer() =>
        Assert.That(ForwarderProblems.Describe(new Failure(ForwarderError.RequestCanceled, null)).Status, Is.Null);
}
