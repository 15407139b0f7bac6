using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace TradeHub.LoadGenerator;

/// <summary>One server-sent event as received: type, JSON data, and the Stopwatch timestamp of its arrival.</summary>
public sealed record Received(string Type, JsonNode? Data, long At);

/// <summary>
/// Listens on GET /api/events of each SME organisation (token as a header) and hands every event on as soon as
/// its blank line arrives; reconnects with Last-Event-ID if a stream breaks.
/// </summary>
public sealed class LiveEvents(Uri gateway, Action<int, Received> onEvent) : IAsyncDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = gateway, Timeout = Timeout.InfiniteTimeSpan };
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _streams = [];
    private readonly ConcurrentDictionary<int, bool> _connected = new();
    private long _events;

    public long Count => Interlocked.Read(ref _events);

    public void Listen(int org, string token) => _streams.Add(Task.Run(() => Stream(org, token)));

    public async Task WaitConnected(int orgs, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_connected.Count < orgs && DateTime.UtcNow < deadline) await Task.Delay(50);
        if (_connected.Count < orgs) throw new InvalidOperationException($"only {_connected.Count} of {orgs} event streams connected");
    }

    private async Task Stream(int org, string token)
    {
        string? lastId = null;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "api/events");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                if (lastId is not null) request.Headers.Add("Last-Event-ID", lastId);
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
                response.EnsureSuccessStatusCode();
                _connected[org] = true;
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token));
                string? type = null, data = null;
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    if (line.Length == 0)
                    {
                        if (type is not null && data is not null)
                        {
                            var at = Stopwatch.GetTimestamp();
                            Interlocked.Increment(ref _events);
                            JsonNode? node = null;
                            // A carrier's tracking events come a hundred a batch and nothing times them: not parsed.
                            if (type != "shipment.event")
                            {
                                try { node = JsonNode.Parse(data); } catch (System.Text.Json.JsonException) { }
                            }
                            onEvent(org, new Received(type, node, at));
                        }
                        type = data = null;
                    }
                    else if (line.StartsWith("id:", StringComparison.Ordinal)) lastId = line[3..].Trim();
                    else if (line.StartsWith("event:", StringComparison.Ordinal)) type = line[6..].Trim();
                    else if (line.StartsWith("data:", StringComparison.Ordinal)) data = data is null ? line[5..].TrimStart() : data + "\n" + line[5..].TrimStart();
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                Console.Error.WriteLine($"event stream of org {org} broke ({e.GetType().Name}: {e.Message}); reconnecting");
                try { await Task.Delay(500, _stop.Token); } catch (OperationCanceledException) { return; }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await Task.WhenAll(_streams); } catch (OperationCanceledException) { }
        _http.Dispose();
        _stop.Dispose();
    }
}
