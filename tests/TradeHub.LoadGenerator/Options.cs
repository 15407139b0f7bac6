using System.Globalization;

namespace TradeHub.LoadGenerator;

/// <summary>Command line and environment settings of one run.</summary>
public sealed class Options
{
    public Uri Gateway { get; private set; } = new("http://127.0.0.1:8080/");
    /// <summary>Cargo offers per second in the match phase (other kinds ride along at <see cref="MixShare"/>); 0 = flat out.</summary>
    public double Rate { get; private set; } = 200;
    /// <summary>Seconds of load, split between the ingest phase and the match phase.</summary>
    public int Duration { get; private set; } = 30;
    public int Concurrency { get; private set; } = 32;
    public string? JsonFile { get; private set; }
    public bool Baselines { get; private set; } = true;
    public int BaselineSeconds { get; private set; } = 10;
    public int SmeOrgs { get; private set; } = 8;
    public int CarrierOrgs { get; private set; } = 4;
    /// <summary>Requests of other kinds per cargo offer in the match phase.</summary>
    public double MixShare { get; private set; } = 1.0;
    public string Phases { get; private set; } = "ingest,match";
    /// <summary>Seconds of unmeasured paced load before the phases, so the services' JIT has done its tiering.</summary>
    public int WarmupSeconds { get; private set; } = 20;
    /// <summary>Shipments in transit the shipments phase's closure reaches.</summary>
    public int DisruptionShipments { get; private set; } = 10_000;
    /// <summary>The webhook delivery bench (WebhookBench) instead of the ingest and match phases.</summary>
    public bool Webhooks { get; private set; }
    public int Receivers { get; private set; } = 50;
    public int SubscriptionsPerReceiver { get; private set; } = 10;
    /// <summary>Cargo offers per second of the webhook bench's sustained phase (each fans out to every receiver).</summary>
    public double WebhookRate { get; private set; } = 40;
    /// <summary>A block train's cut-off (PoolBench) instead of the ingest and match phases.</summary>
    public bool Pools { get; private set; }
    public int PoolMembers { get; private set; } = 300;
    public int PoolContainers { get; private set; } = 55;
    /// <summary>Seconds from opening the pool to its cut-off: the joins must be done by then.</summary>
    public int PoolCutoffSeconds { get; private set; } = 240;
    public int PoolRuns { get; private set; } = 3;

    public string PgConnection { get; } = Environment.GetEnvironmentVariable("TRADEHUB_PG") is { Length: > 0 } pg
        ? pg : "Host=127.0.0.1;Port=5433;Username=postgres;Password=tradehub";
    public string AmqpHost { get; } = Environment.GetEnvironmentVariable("TRADEHUB_AMQP_HOST") ?? "127.0.0.1";
    public int AmqpPort { get; } = int.TryParse(Environment.GetEnvironmentVariable("TRADEHUB_AMQP_PORT"), out var p) ? p : 5673;
    public string AmqpVhost { get; } = Environment.GetEnvironmentVariable("TRADEHUB_AMQP_VHOST") is { Length: > 0 } v ? v : "/";
    public string AmqpUser { get; } = Environment.GetEnvironmentVariable("TRADEHUB_AMQP_USER") ?? "guest";
    public string AmqpPassword { get; } = Environment.GetEnvironmentVariable("TRADEHUB_AMQP_PASSWORD") ?? "guest";
    /// <summary>Where up.sh wrote the services' pid files ($TRADEHUB_SERVICE_DIR/pids or $TRADEHUB_DATA/pids).</summary>
    public string? PidDir { get; } =
        (Environment.GetEnvironmentVariable("TRADEHUB_SERVICE_DIR") ?? Environment.GetEnvironmentVariable("TRADEHUB_DATA")) is { Length: > 0 } d
            ? Path.Combine(d, "pids") : null;

    public bool Runs(string phase) => Phases.Split(',').Contains(phase, StringComparer.OrdinalIgnoreCase);

    public const string Usage = """
        usage: TradeHub.LoadGenerator [--gateway URL] [--rate N] [--duration S] [--concurrency N] [--json FILE]
                                      [--baselines | --no-baselines] [--baseline-seconds S] [--orgs N] [--carriers N]
                                      [--mix F] [--phases ingest,match,shipments,disruption] [--warmup S]
                                      [--disruption-shipments N]
                                      [--webhooks [--receivers N] [--subscriptions-per-receiver N] [--webhook-rate N]]
                                      [--pools [--pool-members N] [--pool-containers N] [--pool-cutoff S] [--pool-runs N]]
          --rate N        cargo offers/s in the match phase (other requests at F per cargo offer); 0 = flat out
          --duration S    seconds of load in all (split evenly between the phases)
          --concurrency N requests in flight (flat out) or at most in flight (paced)
          --warmup S      seconds of unmeasured load at 50 cargo/s + mix before the phases (default 20; 0 = none)
          --phases        ingest and match (the default), shipments: tracking events in batches of 100 by 8 carriers
                          flat out then at half that rate (--duration split), then one closure ahead of
                          --disruption-shipments N shipments in transit (default 10000), seeded into the Shipments database;
                          disruption: that closure alone
          --webhooks      webhook delivery instead: N receivers (50) in this process, M organisations (10) each
                          subscribed once at every receiver; cargo offers at --webhook-rate (40/s) whose
                          routes.changed fans out to every receiver, then half the delivered rate, then the same
                          with one receiver hanging; --duration S per phase
          --pools         a block train's cut-off instead: a pool of N containers (55) that M SMEs (300) fill, a
                          tenth with full-container cargo offers, the rest with loose cargo (fixed seeds); times the
                          cut-off (S s, 240, after opening) to every member's shipment booked, R runs (3)
        env: TRADEHUB_PG, TRADEHUB_AMQP_PORT, TRADEHUB_AMQP_VHOST, TRADEHUB_SERVICE_DIR or TRADEHUB_DATA (pid files)
        """;

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--gateway": o.Gateway = new Uri(Next().TrimEnd('/') + "/"); break;
                case "--rate": o.Rate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--duration": o.Duration = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--concurrency": o.Concurrency = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--json": o.JsonFile = Next(); break;
                case "--baselines": o.Baselines = true; break;
                case "--no-baselines": o.Baselines = false; break;
                case "--baseline-seconds": o.BaselineSeconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--orgs": o.SmeOrgs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--carriers": o.CarrierOrgs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--mix": o.MixShare = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--phases": o.Phases = Next(); break;
                case "--warmup": o.WarmupSeconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--disruption-shipments": o.DisruptionShipments = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--webhooks": o.Webhooks = true; break;
                case "--receivers": o.Receivers = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--subscriptions-per-receiver": o.SubscriptionsPerReceiver = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--webhook-rate": o.WebhookRate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--pools": o.Pools = true; break;
                case "--pool-members": o.PoolMembers = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--pool-containers": o.PoolContainers = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--pool-cutoff": o.PoolCutoffSeconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--pool-runs": o.PoolRuns = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        if (o.Receivers < 2 || o.SubscriptionsPerReceiver < 1 || o.WebhookRate <= 0)
            throw new ArgumentException("--receivers >= 2, --subscriptions-per-receiver >= 1, --webhook-rate > 0");
        if (o.PoolMembers < 10 || o.PoolContainers < 2 || o.PoolCutoffSeconds < 5 || o.PoolRuns < 1)
            throw new ArgumentException("--pool-members >= 10, --pool-containers >= 2, --pool-cutoff >= 5, --pool-runs >= 1");
        if (o.Duration < 2 || o.WarmupSeconds < 0 || o.Concurrency < 1 || o.Rate < 0 || o.SmeOrgs < 1 || o.CarrierOrgs < 1)
            throw new ArgumentException("--duration >= 2, --warmup >= 0, --concurrency >= 1, --rate >= 0, --orgs/--carriers >= 1");
        return o;
    }
}
