using System.Reflection;

namespace TradeHub.Hosting.Messaging;

/// <summary>
/// The message types a service's outbox may hold: the public classes of its contracts assemblies. A stored type name
/// is looked up here, never loaded by name, so a row cannot make the relay load a type nobody listed.
/// </summary>
public sealed class OutboxTypes
{
    private readonly Dictionary<string, Type> _byName;

    public OutboxTypes(IEnumerable<Assembly> contracts)
    {
        _byName = contracts.Distinct()
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false })
            .ToDictionary(Name, t => t, StringComparer.Ordinal);
    }

    /// <summary>The stored name of an allowed type (type and assembly name, the form rows have always had).</summary>
    public string NameOf(Type type)
    {
        var name = Name(type);
        return _byName.ContainsKey(name)
            ? name
            : throw new InvalidOperationException($"{type} is not an outbox message type: it is in none of the contracts assemblies given to AddOutbox.");
    }

    /// <summary>The type a stored name stands for; throws for a name that is not on the list.</summary>
    public Type Resolve(string storedName) =>
        _byName.TryGetValue(storedName, out var type)
            ? type
            : throw new InvalidOperationException($"Outbox row of unknown message type '{storedName}'.");

    private static string Name(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
