using System.Data;
using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace TradeHub.Hosting.Messaging;

/// <summary>
/// The service's transactional outbox: <see cref="Begin"/> opens a transaction whose events are written with the change
/// that causes them, so an event exists exactly when that change committed; <see cref="OutboxRelay"/> publishes them.
/// Events are added only through an <see cref="OutboxTransaction"/>, whose commit wakes the relay.
/// </summary>
public sealed class Outbox(NpgsqlDataSource dataSource, OutboxTypes types, OutboxSignal signal)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal const string InsertSql = """
        INSERT INTO outbox (id, message_type, body, trace_parent)
        SELECT @OutboxId, @OutboxType, CAST(@OutboxBody AS json), @OutboxTrace
        """;

    /// <summary>
    /// A data-modifying statement (without RETURNING) followed by its event, written only when the statement changed a
    /// row: one round trip instead of two. Its parameters are the statement's and the event's,
    /// <see cref="OutboxTransaction.Event{T}"/>. It affects one row when the change happened, none otherwise.
    /// </summary>
    public static string WithEvent(string changeSql) => $"WITH changed AS ({changeSql} RETURNING 1) {InsertSql} FROM changed";

    /// <summary>Opens a connection and a transaction for a change and its events.</summary>
    public async Task<OutboxTransaction> Begin(CancellationToken ct = default)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            return new OutboxTransaction(connection, await connection.BeginTransactionAsync(ct), types, signal, owns: true);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Adds events to a transaction the caller opened and disposes itself (one on a connection with settings of its
    /// own, say); disposing the result does not close it.
    /// </summary>
    public OutboxTransaction Enlist(NpgsqlConnection connection, NpgsqlTransaction transaction) =>
        new(connection, transaction, types, signal, owns: false);
}

/// <summary>
/// A change and its events in one transaction. <see cref="Commit"/> commits and wakes the relay when events were added
/// (a transaction without any leaves it asleep rather than have it look into an empty outbox); events added to a
/// transaction committed any other way wake it when this is disposed, so no event waits for the relay's poll.
/// </summary>
public sealed class OutboxTransaction : IAsyncDisposable
{
    private readonly OutboxTypes _types;
    private readonly OutboxSignal _signal;
    private readonly bool _owns;
    private bool _hasEvents;

    internal OutboxTransaction(
        NpgsqlConnection connection, NpgsqlTransaction transaction, OutboxTypes types, OutboxSignal signal, bool owns)
    {
        _owns = owns;
        Connection = connection;
        Transaction = transaction;
        _types = types;
        _signal = signal;
    }

    public NpgsqlConnection Connection { get; }
    public NpgsqlTransaction Transaction { get; }

    public void Deconstruct(out NpgsqlConnection connection, out NpgsqlTransaction transaction)
    {
        connection = Connection;
        transaction = Transaction;
    }

    /// <summary>Adds one event in a statement of its own; its id becomes the MessageId on the bus.</summary>
    public Task Enqueue<T>(T message) where T : class =>
        Connection.ExecuteAsync(Outbox.InsertSql, Event(message), Transaction);

    private const string InsertAllSql = """
        INSERT INTO outbox (id, message_type, body, trace_parent)
        SELECT e.id, @OutboxType, CAST(e.body AS json), @OutboxTrace FROM unnest(@Ids, @Bodies) WITH ORDINALITY AS e(id, body, n)
        ORDER BY e.n
        """;

    /// <summary>Adds events of one type in one statement, in order (a decline of every proposal of an offer, say).</summary>
    public Task EnqueueAll<T>(IReadOnlyCollection<T> messages) where T : class
    {
        if (messages.Count == 0) return Task.CompletedTask;
        var type = _types.NameOf(typeof(T));
        _hasEvents = true;
        return Connection.ExecuteAsync(InsertAllSql, new
        {
            Ids = messages.Select(_ => Guid.CreateVersion7()).ToArray(),
            Bodies = messages.Select(m => JsonSerializer.Serialize(m, Outbox.Json)).ToArray(),
            OutboxType = type,
            OutboxTrace = Activity.Current?.Id,
        }, Transaction);
    }

    /// <summary>
    /// The event's parameters for a statement of <see cref="Outbox.WithEvent"/>, with the statement's own
    /// (<paramref name="args"/>, an object whose properties are the parameters, as Dapper takes them).
    /// </summary>
    public OutboxEvent Event<T>(T message, object? args = null) where T : class
    {
        var type = _types.NameOf(typeof(T));
        _hasEvents = true;
        return new OutboxEvent(type, JsonSerializer.Serialize(message, Outbox.Json), args);
    }

    /// <summary>Commits, then wakes this process's relay so the events go out at once.</summary>
    /// <remarks>
    /// No NOTIFY: PostgreSQL serialises every notifying commit of the cluster on one lock held across the WAL flush,
    /// which held cargo-offer ingest near 100/s. Rows of an instance that died before its relay ran are found by the
    /// other instances' poll.
    /// </remarks>
    public async Task Commit(CancellationToken ct = default)
    {
        await Transaction.CommitAsync(ct);
        if (_hasEvents) _signal.Wake();
        _hasEvents = false;
    }

    public async ValueTask DisposeAsync()
    {
        if (_owns)
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
        if (_hasEvents) _signal.Wake();
    }
}

/// <summary>
/// One event as parameters of a statement (<see cref="Outbox.WithEvent"/>): Dapper takes it as the statement's
/// parameters, and <see cref="AddTo"/> adds them to a command of an <see cref="NpgsqlBatch"/>.
/// </summary>
public sealed class OutboxEvent : SqlMapper.IDynamicParameters
{
    private readonly string _type;
    private readonly string _body;
    private readonly object? _args;

    internal OutboxEvent(string type, string body, object? args)
    {
        _type = type;
        _body = body;
        _args = args;
    }

    /// <summary>The event's id, which becomes the MessageId on the bus.</summary>
    public Guid Id { get; } = Guid.CreateVersion7();

    /// <summary>Adds the event's parameters (not the statement's own) to a batch command.</summary>
    public void AddTo(NpgsqlParameterCollection parameters)
    {
        parameters.Add(new NpgsqlParameter<Guid>("OutboxId", Id));
        parameters.Add(new NpgsqlParameter<string>("OutboxType", _type));
        parameters.Add(new NpgsqlParameter<string>("OutboxBody", _body));
        parameters.Add(new NpgsqlParameter("OutboxTrace", NpgsqlDbType.Text) { Value = (object?)Activity.Current?.Id ?? DBNull.Value });
    }

    void SqlMapper.IDynamicParameters.AddParameters(IDbCommand command, SqlMapper.Identity identity)
    {
        if (_args is not null) ((SqlMapper.IDynamicParameters)new DynamicParameters(_args)).AddParameters(command, identity);
        AddTo((NpgsqlParameterCollection)command.Parameters);
    }
}
