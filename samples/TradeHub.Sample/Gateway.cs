using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;
using TradeHub.Sample.Api;

namespace TradeHub.Sample;

/// <summary>The gateway could not be used at all: nothing answers, it is not ready, or its dev issuer is off.</summary>
public sealed class GatewayUnavailableException(string message) : Exception(message);

/// <summary>
/// The gateway's public API through <see cref="TradeHubClient"/>, the client generated from docs/openapi/v1.json at
/// build time. What the document does not describe stays here: the readiness probe, the bearer token of each
/// organisation, an Idempotency-Key on every POST (kept across retries, so a repeated create is harmless) and
/// waiting out a rate limit or a service briefly away behind the gateway.
/// </summary>
public sealed class Gateway : IDisposable
{
    private readonly HttpMessageHandler pipeline;
    private readonly Dictionary<string, (HttpClient Http, TradeHubClient Api)> clients = new(StringComparer.Ordinal);

    public Gateway(Uri baseAddress)
    {
        BaseAddress = baseAddress;
        var retry = new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 4,
            BackoffType = DelayBackoffType.Linear,
            Delay = TimeSpan.FromSeconds(1),
            UseJitter = false,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
            {
                { Exception: HttpRequestException or TimeoutRejectedException } => true,
                { Result.StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout } => true,
                _ => false,
            }),
        };
        var resilience = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(retry)
            .AddTimeout(TimeSpan.FromSeconds(15))
            .Build();
        pipeline = new IdempotencyKeys { InnerHandler = new ResilienceHandler(resilience) { InnerHandler = new SocketsHttpHandler() } };
    }

    public Uri BaseAddress { get; }

    /// <summary>The API as the holder of this token (a bearer token of the dev issuer); "" for no token.</summary>
    public TradeHubClient As(string token)
    {
        if (clients.TryGetValue(token, out var known)) return known.Api;
        var http = new HttpClient(pipeline, disposeHandler: false) { BaseAddress = BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        if (token.Length > 0) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var api = new TradeHubClient(http);
        clients[token] = (http, api);
        return api;
    }

    /// <summary>The API without a token (the dev issuer, a shared tracking link).</summary>
    public TradeHubClient Anonymous => As("");

    /// <summary>Throws with a clear message when nothing answers at the gateway's address (health is not part of the API).</summary>
    public async Task EnsureReachable()
    {
        try
        {
            using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
            using var response = await http.GetAsync(new Uri("health/ready", UriKind.Relative));
            if (!response.IsSuccessStatusCode)
                throw new GatewayUnavailableException($"the gateway at {BaseAddress} answers, but is not ready (GET /health/ready: {(int)response.StatusCode}). " +
                                                      "Wait for the services to start, or look at their logs.");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new GatewayUnavailableException($"the gateway at {BaseAddress} is unreachable ({e.Message}). " +
                                                  "Start TradeHub first (deploy/local/up.sh) or pass --gateway <url>.");
        }
    }

    /// <summary>A token of the local dev issuer for an organisation and role.</summary>
    public async Task<string> Token(string organisation, string role)
    {
        try
        {
            return (await Anonymous.IssueDevTokenAsync(new DevTokenRequest { Organisation = organisation, Role = role })).Token;
        }
        catch (ApiException e) when (e.StatusCode == (int)HttpStatusCode.NotFound)
        {
            throw new GatewayUnavailableException("POST /api/dev/tokens is 404: the gateway's dev issuer is off (Auth__DevIssuer__Enabled=false). " +
                                                  "The sample signs in with dev tokens; run it against a local or staging system.");
        }
    }

    /// <summary>Asks until the answer satisfies done, or gives up after the timeout (null then).</summary>
    public static async Task<T?> Poll<T>(Func<Task<T>> ask, Func<T, bool> done, TimeSpan timeout) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            var answer = await ask();
            if (done(answer)) return answer;
            if (DateTime.UtcNow + delay > deadline) return null;
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 2000));
        }
    }

    public void Dispose()
    {
        foreach (var (http, _) in clients.Values) http.Dispose();
        pipeline.Dispose();
    }

    /// <summary>A fresh Idempotency-Key on each POST, set once before the retries so that every attempt carries it.</summary>
    private sealed class IdempotencyKeys : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post && !request.Headers.Contains("Idempotency-Key"))
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            return base.SendAsync(request, cancellationToken);
        }
    }
}
