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
    /// <summary>Open streams one organisation may hold on this gateway instance; more are 429.</summary>
    public int MaxStreamsPerOrganisation { get; set; } = 40;
    /// <summary>Open streams one user (token subject) may hold; a dashboard tab holds one.</summary>
    public int MaxStreamsPerUser { get; set; } = 10;
}

/// <summary>
/// Fans events out to the connected clients of each organisation and keeps a short replay buffer per
/// organisation, so a client that reconnects with Last-Event-ID gets what it missed. An organisation's feed
/// lives while it has clients or events younger than the replay age; idle ones are let go, so the hub does not
/// grow with every organisation ever named.
/// </summary>
public sealed class EventHub(LiveEventsOptions options, TimeProvider clock, IMeterFactory meters)
{
    private readonly ConcurrentDictionary<string, OrgFeed> _feeds = new(StringComparer.Ordinal);
    private readonly UpDownCounter<long> _connections = meters.Create("TradeHub")
        .CreateUpDownCounter<long>("tradehub.gateway.sse.connections", description: "Open live event streams");
    private long _nextSweepTicks;

    /// <summary>Organisations whose feed this hub holds now.</summary>
    public int Feeds => _feeds.Count;

    public void Publish(IEnumerable<string> orgs, string type, string id, string data)
    {
        var now = clock.GetUtcNow();
        Sweep(now);
        foreach (var org in orgs.Where(o => !string.IsNullOrEmpty(o)).Distinct(StringComparer.Ordinal))
        {
            var e = new LiveEvent(id, type, data, now);
            while (!Feed(org).Publish(e, options, now)) { }
        }
    }

    /// <summary>
    /// Connects a client of the organisation and user; the events it missed since lastEventId come back with the
    /// live reader. Null when the organisation or the user already holds as many streams as allowed.
    /// </summary>
    public Subscription? Subscribe(string org, string user, string? lastEventId)
    {
        var now = clock.GetUtcNow();
        Sweep(now);
        var channel = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(options.ClientBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        OrgFeed feed;
        OrgFeed.Joined joined;
        IReadOnlyList<LiveEvent> missed;
        do
        {
            feed = Feed(org);
            joined = feed.Join(channel, user, lastEventId, now - options.ReplayAge, options, out missed);
        } while (joined == OrgFeed.Joined.Retired);
        if (joined == OrgFeed.Joined.Full) return null;
        _connections.Add(1);
        return new Subscription(channel.Reader, missed, () =>
        {
            feed.Leave(channel, user);
            _connections.Add(-1);
        });
    }

    private OrgFeed Feed(string org) => _feeds.GetOrAdd(org, _ => new OrgFeed());

    /// <summary>At most once per replay age: drops the feeds with no client and nothing left to replay.</summary>
    private void Sweep(DateTimeOffset now)
    {
        var next = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < next) return;
        if (Interlocked.CompareExchange(ref _nextSweepTicks, (now + options.ReplayAge).UtcTicks, next) != next) return;
        foreach (var (org, feed) in _feeds)
            if (feed.TryRetire(now - options.ReplayAge))
                _feeds.TryRemove(new KeyValuePair<string, OrgFeed>(org, feed));
    }

    private sealed class OrgFeed
    {
        public enum Joined { Ok, Full, Retired }

        private readonly Lock _lock = new();
        private readonly LinkedList<LiveEvent> _recent = new();
        private readonly List<Channel<LiveEvent>> _clients = [];
        private readonly Dictionary<string, int> _perUser = new(StringComparer.Ordinal);
        private bool _retired;

        /// <summary>False if the feed was retired meanwhile: the caller publishes to the organisation's new one.</summary>
        public bool Publish(LiveEvent e, LiveEventsOptions options, DateTimeOffset now)
        {
            lock (_lock)
            {
                if (_retired) return false;
                _recent.AddLast(e);
                while (_recent.Count > options.ReplayCount
                       || (_recent.First is { } first && first.Value.At < now - options.ReplayAge))
                    _recent.RemoveFirst();
                foreach (var client in _clients) client.Writer.TryWrite(e);
                return true;
            }
        }

        /// <summary>Registers the client and takes the replay under one lock, so no event falls between them.</summary>
        public Joined Join(Channel<LiveEvent> client, string user, string? lastEventId, DateTimeOffset notBefore,
            LiveEventsOptions options, out IReadOnlyList<LiveEvent> missed)
        {
            missed = [];
            lock (_lock)
            {
                if (_retired) return Joined.Retired;
                var ofUser = _perUser.GetValueOrDefault(user);
                if (_clients.Count >= options.MaxStreamsPerOrganisation || ofUser >= options.MaxStreamsPerUser)
                    return Joined.Full;
                _perUser[user] = ofUser + 1;
                _clients.Add(client);
                if (!string.IsNullOrEmpty(lastEventId))
                {
                    var recent = _recent.Where(e => e.At >= notBefore).ToList();
                    var seen = recent.FindLastIndex(e => e.Id == lastEventId);
                    // An id this gateway no longer holds (or never saw): send all it has; clients dedupe by resource id.
                    missed = seen < 0 ? recent : recent[(seen + 1)..];
                }
                return Joined.Ok;
            }
        }

        public void Leave(Channel<LiveEvent> client, string user)
        {
            lock (_lock)
            {
                if (_clients.Remove(client) && _perUser.TryGetValue(user, out var n))
                {
                    if (n <= 1) _perUser.Remove(user);
                    else _perUser[user] = n - 1;
                }
            }
            client.Writer.TryComplete();
        }

        /// <summary>True (and the feed takes nothing more) when no client is connected and every event is older than the cutoff.</summary>
        public bool TryRetire(DateTimeOffset cutoff)
        {
            lock (_lock)
            {
                if (_clients.Count > 0 || (_recent.Last is { } last && last.Value.At >= cutoff)) return false;
                _retired = true;
                return true;
            }
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
