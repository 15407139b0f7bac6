using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TradeHub.Testing;

/// <summary>One request as the receiver got it: the Standard Webhooks headers, the raw body, and what it answered.</summary>
public sealed record ReceivedWebhook(string Id, string Timestamp, string Signature, string Body, DateTime At, int Answered)
{
    public HeaderDictionary Headers(string? signature = null, string? timestamp = null) => new()
    {
        ["webhook-id"] = Id,
        ["webhook-timestamp"] = timestamp ?? Timestamp,
        ["webhook-signature"] = signature ?? Signature,
    };
}

/// <summary>How the receiver answers the next request.</summary>
public sealed record ReceiverAnswer(int Status, string? RetryAfter = null, bool Hang = false)
{
    public static readonly ReceiverAnswer Ok = new(200);
}

/// <summary>
/// A webhook endpoint on loopback: a small Kestrel app that records every request and answers as told. It can be
/// stopped (connection refused) and started again on the same port.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedWebhook> _requests = new();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;

    /// <summary>Decides each answer from the number of requests received before it (0 for the first).</summary>
    public Func<int, ReceiverAnswer> Answers { get; set; } = _ => ReceiverAnswer.Ok;

    public int Port { get; } = FreePort();
    public string Url => $"http://127.0.0.1:{Port}/hooks/tradehub";
    public IReadOnlyList<ReceivedWebhook> Requests => _requests.ToList();

    /// <summary>The distinct webhook-ids answered with a 2xx, in the order they first succeeded.</summary>
    public IReadOnlyList<string> DeliveredIds() =>
        Requests.Where(r => r.Answered is >= 200 and < 300).Select(r => r.Id).Distinct().ToList();

    public static async Task<WebhookReceiver> Started(Func<int, ReceiverAnswer>? answers = null)
    {
        var receiver = new WebhookReceiver();
        if (answers is not null) receiver.Answers = answers;
        await receiver.Start();
        return receiver;
    }

    public async Task Start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Port));
        var app = builder.Build();
        app.MapPost("/hooks/tradehub", Handle);
        await app.StartAsync();
        _app = app;
    }

    public async Task Stop()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    private int _count;
    private int _inFlight;
    private int _maxInFlight;
    private readonly ConcurrentQueue<DateTime> _abandoned = new();

    /// <summary>The most requests this receiver held open at once.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>When the sender gave up on requests this receiver never answered.</summary>
    public IReadOnlyList<DateTime> Abandoned => _abandoned.ToList();

    private async Task Handle(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        var answer = Answers(Interlocked.Increment(ref _count) - 1);
        _requests.Enqueue(new ReceivedWebhook(
            http.Request.Headers["webhook-id"].ToString(), http.Request.Headers["webhook-timestamp"].ToString(),
            http.Request.Headers["webhook-signature"].ToString(), body, DateTime.UtcNow, answer.Hang ? 0 : answer.Status));
        if (answer.Hang)
        {
            // Never answers while the test runs; the sender's timeout (or the end of the test) ends it.
            var open = Interlocked.Increment(ref _inFlight);
            InterlockedMax(ref _maxInFlight, open);
            try
            {
                await Task.WhenAny(_release.Task, Task.Delay(Timeout.Infinite, http.RequestAborted));
                if (http.RequestAborted.IsCancellationRequested) _abandoned.Enqueue(DateTime.UtcNow);
            }
            catch (OperationCanceledException)
            {
                _abandoned.Enqueue(DateTime.UtcNow);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
            return;
        }
        if (answer.RetryAfter is not null) http.Response.Headers.RetryAfter = answer.RetryAfter;
        http.Response.StatusCode = answer.Status;
    }

    /// <summary>Polls until the condition holds over the requests received so far.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> Eventually(Func<IReadOnlyList<ReceivedWebhook>, bool> condition, string what,
        TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            var requests = Requests;
            if (condition(requests)) return requests;
            await Task.Delay(100);
        }
        throw new TimeoutException($"The receiver never saw {what}; it got {Requests.Count} requests: " +
                                   string.Join(", ", Requests.Select(r => $"{r.Id}->{r.Answered}")));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        await Stop();
    }
}
