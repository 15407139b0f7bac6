using System.Xml.Linq;
using NetArchTest.Rules;
using TradeHub.Testing;

namespace TradeHub.Architecture.Tests;

/// <summary>
/// Services meet only through the hosting library and each other's contracts: a service references the hosting library
/// and contracts projects, never another service; contracts and the hosting library reference nothing of ours. Every
/// project under src/ is found by convention (src/Area/TradeHub.Name/TradeHub.Name.csproj), so a new service is held to
/// the same rules the day it is added.
/// </summary>
public class DependencyTests
{
    private const string Hosting = "TradeHub.Hosting";

    private enum Kind { Hosting, Contracts, Service }

    private sealed record Project(string Name, string Path, Kind Kind)
    {
        public string Directory => System.IO.Path.GetDirectoryName(Path)!;

        /// <summary>The built assembly beside the project, in the configuration this test was built in.</summary>
        public string Assembly => System.IO.Path.Combine(Directory, "bin", Configuration, "net10.0", Name + ".dll");
    }

    /// <summary>Release or Debug: this test assembly sits in bin/CONFIGURATION/net10.0.</summary>
    private static string Configuration =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    private static readonly Lazy<IReadOnlyList<Project>> All = new(() =>
        System.IO.Directory.GetFiles(Path.Combine(RunningSystem.RepoRoot, "src"), "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(p => Path.GetFileNameWithoutExtension(p) switch
            {
                Hosting => new Project(Hosting, p, Kind.Hosting),
                var n when n.EndsWith(".Contracts", StringComparison.Ordinal) => new Project(n, p, Kind.Contracts),
                var n => new Project(n, p, Kind.Service),
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList());

    private static IEnumerable<TestCaseData> Projects(Kind kind) =>
        All.Value.Where(p => p.Kind == kind).Select(p => new TestCaseData(p.Name).SetArgDisplayNames(p.Name));

    private static IEnumerable<TestCaseData> Services() => Projects(Kind.Service);

    private static IEnumerable<TestCaseData> Libraries() => Projects(Kind.Contracts).Concat(Projects(Kind.Hosting));

    private static Project Named(string name) => All.Value.Single(p => p.Name == name);

    /// <summary>The project names a project's ProjectReference items point at.</summary>
    private static List<string> References(Project project) =>
        XDocument.Load(project.Path).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToList();

    /// <summary>Full names of the types of ours in a project's assembly (compiler-made types have no TradeHub namespace).</summary>
    private static string[] TypesOf(Project project) =>
        Types.FromFile(project.Assembly, [Path.GetDirectoryName(project.Assembly)!]).GetTypes()
            .Select(t => t.FullName)
            .Where(n => n.StartsWith("TradeHub.", StringComparison.Ordinal) && !n.Contains('<', StringComparison.Ordinal))
            .ToArray();

    private static IEnumerable<string> TypesThatUse(Project project, IEnumerable<Project> others)
    {
        var forbidden = others.SelectMany(TypesOf).ToArray();
        if (forbidden.Length == 0) return [];
        var result = Types.FromFile(project.Assembly, [Path.GetDirectoryName(project.Assembly)!])
            .ShouldNot().HaveDependencyOnAny(forbidden).GetResult();
        return result.IsSuccessful ? [] : result.FailingTypes.Select(t => t.FullName);
    }

    [Test]
    public void The_convention_finds_the_hosting_library_services_and_contracts()
    {
        Assert.That(All.Value.Select(p => p.Name), Does.Contain(Hosting).And.Contain("TradeHub.Listings")
            .And.Contain("TradeHub.Listings.Contracts").And.Contain("TradeHub.Gateway"));
        foreach (var project in All.Value)
            Assert.That(File.Exists(project.Assembly), Is.True, $"{project.Name} is not built at {project.Assembly}");
    }

    [TestCaseSource(nameof(Services))]
    public void A_service_references_only_the_hosting_library_and_contracts(string name)
    {
        var others = References(Named(name)).Where(r => r != Hosting && !r.EndsWith(".Contracts", StringComparison.Ordinal));
        Assert.That(others, Is.Empty, $"{name} references another service's project");
    }

    [TestCaseSource(nameof(Libraries))]
    public void Contracts_and_the_hosting_library_reference_no_project_of_ours(string name) =>
        Assert.That(References(Named(name)), Is.Empty);

    [TestCaseSource(nameof(Services))]
    public void A_service_uses_no_type_of_another_service(string name)
    {
        var service = Named(name);
        var otherServices = All.Value.Where(p => p.Kind == Kind.Service && p != service);
        Assert.That(TypesThatUse(service, otherServices), Is.Empty);
    }

    [TestCaseSource(nameof(Libraries))]
    public void Contracts_and_the_hosting_library_use_no_other_type_of_ours(string name)
    {
        var library = Named(name);
        Assert.That(TypesThatUse(library, All.Value.Where(p => p != library)), Is.Empty);
    }

    /// <summary>The dependency check can fail: Listings does use the hosting library and its own contracts.</summary>
    [Test]
    public void The_type_check_sees_a_real_dependency() =>
        Assert.That(TypesThatUse(Named("TradeHub.Listings"), [Named(Hosting), Named("TradeHub.Listings.Contracts")]), Is.Not.Empty);
}
