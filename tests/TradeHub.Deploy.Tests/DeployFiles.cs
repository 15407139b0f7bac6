using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace TradeHub.Deploy.Tests;

/// <summary>The repository's deploy files, parsed into plain maps, lists and strings.</summary>
public static class DeployFiles
{
    public static readonly string Root = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    /// <summary>Every .yaml/.yml file under deploy/compose and deploy/k8s.</summary>
    public static IReadOnlyList<string> YamlFiles() =>
        new[] { "deploy/compose", "deploy/k8s" }
            .Select(PathOf)
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static IReadOnlyList<string> K8sFiles(string folder) =>
        Directory.EnumerateFiles(PathOf(folder), "*.yaml", SearchOption.TopDirectoryOnly)
            .Where(f => Path.GetFileName(f) != "kustomization.yaml")
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>All documents of a (multi-document) YAML file; merge keys (&lt;&lt;: *anchor) resolved.</summary>
    public static IReadOnlyList<Dictionary<object, object>> Documents(string path)
    {
        using var reader = File.OpenText(path);
        var parser = new MergingParser(new Parser(reader));
        var deserializer = new DeserializerBuilder().Build();
        var documents = new List<Dictionary<object, object>>();
        parser.Consume<StreamStart>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (deserializer.Deserialize<object?>(parser) is Dictionary<object, object> document)
                documents.Add(document);
        }
        return documents;
    }

    public static IEnumerable<Dictionary<object, object>> Documents(IEnumerable<string> paths) =>
        paths.SelectMany(Documents);

    public static IEnumerable<Dictionary<object, object>> OfKind(this IEnumerable<Dictionary<object, object>> docs, string kind) =>
        docs.Where(d => d.Str("kind") == kind);

    public static Dictionary<object, object>? Map(this Dictionary<object, object>? map, params string[] path)
    {
        object? current = map;
        foreach (var key in path)
            current = current is Dictionary<object, object> m && m.TryGetValue(key, out var next) ? next : null;
        return current as Dictionary<object, object>;
    }

    public static List<object> Seq(this Dictionary<object, object>? map, params string[] path)
    {
        if (path.Length == 0) return [];
        var parent = path.Length == 1 ? map : map.Map(path[..^1]);
        return parent is not null && parent.TryGetValue(path[^1], out var value) && value is List<object> list ? list : [];
    }

    public static IEnumerable<Dictionary<object, object>> Maps(this Dictionary<object, object>? map, params string[] path) =>
        map.Seq(path).OfType<Dictionary<object, object>>();

    public static string? Str(this Dictionary<object, object>? map, params string[] path)
    {
        if (path.Length == 0) return null;
        var parent = path.Length == 1 ? map : map.Map(path[..^1]);
        return parent is not null && parent.TryGetValue(path[^1], out var value) ? value as string : null;
    }

    public static string Name(this Dictionary<object, object> doc) => doc.Str("metadata", "name") ?? "";

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TradeHub.sln")) || File.Exists(Path.Combine(dir.FullName, "TradeHub.slnx")))
                return dir.FullName;
        throw new InvalidOperationException("TradeHub.sln not found above " + TestContext.CurrentContext.TestDirectory);
    }
}
