using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TradeHub.Testing;

/// <summary>
/// A minimal OTLP/HTTP receiver: each service exports to its own path (http://127.0.0.1:port/{service}), and the
/// sink keeps the raw protobuf payloads per service, so a test can ask which services reported a trace id.
/// </summary>
public sealed class OtlpSink : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<byte[]>> _payloads = new();
    private readonly Task _loop;

    public OtlpSink()
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(Receive);
    }

    public int Port { get; }

    public string EndpointFor(string service) => $"http://127.0.0.1:{Port}/{service}";

    /// <summary>True when the service exported at least one span of the trace.</summary>
    public bool Saw(string service, ActivityTraceId traceId)
    {
        Span<byte> id = stackalloc byte[16];
        traceId.CopyTo(id);
        var needle = id.ToArray();
        return _payloads.TryGetValue(service, out var payloads) && payloads.Any(p => p.AsSpan().IndexOf(needle) >= 0);
    }

    private async Task Receive()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            var service = context.Request.Url!.AbsolutePath.Trim('/').Split('/')[0];
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            if (context.Request.Url.AbsolutePath.EndsWith("/v1/traces", StringComparison.Ordinal))
                _payloads.GetOrAdd(service, _ => new ConcurrentQueue<byte[]>()).Enqueue(body.ToArray());
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
    }
}
