using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;

namespace TradeHub.Gateway.Events;

/// <summary>One server-sent event: its id (the bus message id), type such as match.proposed, and JSON data.</summary>
public sealed record LiveEvent(string Id, string Type, string Data, DateTimeOffset At);

/// <summary>Section Events.</summary>
public sealed class LiveEventsOptions
{
    /// <summary>How many recent events per organisation a reconnecting client can catch up on.</summary>
    public int ReplayCount { get; set; } = 200;
    public TimeSpan ReplayAge { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>A comment line this often keeps proxies and browsers from closing an idle stream.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>Events buffered per client; a client this far behind loses the oldest and catches up by reconnecting.</summary>
    public int ClientBuffer { get; set; } = 500;
}

/// <summary>
/// Fans events out to the connected clients of each organisation and keeps a short replay buffer per
/// organisation, so a client that reconnects with Last-Event-ID gets what it missed.
/// </summary>
public sealed class EventHub(LiveEventsOptions options, TimeProvider clock, IMeterFactory meters)
{
    private readonly ConcurrentDictionary<string, OrgFeed> _feeds = new(StringComparer.Ordinal);
    private readonly UpDownCounter<long> _connections = meters.Create("TradeHub")
        .CreateUpDownCounter<long>("tradehub.gateway.sse.connections", description: "Open live event streams");

    public void Publish(IEnumerable<string> orgs, string type, string id, string data)
    {
        var now = clock.GetUtcNow();
        foreach (var org in orgs.Where(o => !string.IsNullOrEmpty(o)).Distinct(StringComparer.Ordinal))
            Feed(org).Publish(new LiveEvent(id, type, data, now), options, now);
    }

    /// <summary>Connects a client; the events it missed since lastEventId come back with the live reader.</summary>
    public Subscription Subscribe(string org, string? lastEventId)
    {
        var channel = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(options.ClientBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        var feed = Feed(org);
        var missed = feed.Join(channel, lastEventId, clock.GetUtcNow() - options.ReplayAge);
        _connections.Add(1);
        return new Subscription(channel.Reader, missed, () =>
        {
            feed.Leave(channel);
            _connections.Add(-1);
        });
    }

    private OrgFeed Feed(string org) => _feeds.GetOrAdd(org, _ => new OrgFeed());

    private sealed class OrgFeed
    {
        private readonly Lock _lock = new();
        private readonly LinkedList<LiveEvent> _recent = new();
        private readonly List<Channel<LiveEvent>> _clients = [];

        public void Publish(LiveEvent e, LiveEventsOptions options, DateTimeOffset now)
        {
            lock (_lock)
            {
                _recent.AddLast(e);
                while (_recent.Count > options.ReplayCount
                       || (_recent.First is { } first && first.Value.At < now - options.ReplayAge))
                    _recent.RemoveFirst();
                foreach (var client in _clients) client.Writer.TryWrite(e);
            }
        }

        /// <summary>Registers the client and takes the replay under one lock, so no event falls between them.</summary>
        public IReadOnlyList<LiveEvent> Join(Channel<LiveEvent> client, string? lastEventId, DateTimeOffset notBefore)
        {
            lock (_lock)
            {
                _clients.Add(client);
                if (string.IsNullOrEmpty(lastEventId)) return [];
                var recent = _recent.Where(e => e.At >= notBefore).ToList();
                var seen = recent.FindLastIndex(e => e.Id == lastEventId);
                // An id this gateway no longer holds (or never saw): send all it has; clients dedupe by resource id.
                return seen < 0 ? recent : recent[(seen + 1)..];
            }
        }

        public void Leave(Channel<LiveEvent> client)
        {
            lock (_lock) _clients.Remove(client);
            client.Writer.TryComplete();
        }
    }
}

/// <summary>A connected client: the events it missed, then the live ones. Dispose to disconnect.</summary>
public sealed class Subscription(ChannelReader<LiveEvent> reader, IReadOnlyList<LiveEvent> missed, Action leave)
    : IDisposable
{
    public ChannelReader<LiveEvent> Reader { get; } = reader;
    public IReadOnlyList<LiveEvent> Missed { get; } = missed;
    public void Dispose() => leave();
}
