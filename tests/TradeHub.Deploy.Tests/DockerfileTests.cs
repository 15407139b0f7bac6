using System.Text.RegularExpressions;

namespace TradeHub.Deploy.Tests;

public sealed partial class DockerfileTests
{
    private static readonly string[] Images = ["listings", "routing", "matching", "shipments", "webhooks", "tenders", "pools", "gateway"];

    private static string Dockerfile(string name) => File.ReadAllText(DeployFiles.PathOf($"deploy/docker/{name}.Dockerfile"));

    /// <summary>Instructions with their continuation lines joined, comments dropped.</summary>
    private static List<string> Instructions(string text) =>
        ContinuedLine().Replace(text, " ")
            .Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();

    [Test]
    public void Every_path_a_dockerfile_copies_exists_in_the_repository()
    {
        foreach (var name in Images)
            foreach (var copy in Instructions(Dockerfile(name)).Where(i => i.StartsWith("COPY ", StringComparison.Ordinal) && !i.Contains("--from=", StringComparison.Ordinal)))
            {
                var parts = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(p => !p.StartsWith("--", StringComparison.Ordinal)).ToList();
                foreach (var source in parts[..^1])
                    Assert.That(File.Exists(DeployFiles.PathOf(source)) || Directory.Exists(DeployFiles.PathOf(source)), Is.True,
                        $"{name}.Dockerfile: COPY {source}");
            }
    }

    [Test]
    public void Every_project_a_dockerfile_restores_or_publishes_exists_and_the_service_is_in_the_solution()
    {
        var solution = File.ReadAllText(Directory.EnumerateFiles(DeployFiles.Root, "TradeHub.sln*").First()).Replace('\\', '/');
        foreach (var name in Images)
        {
            var projects = Project().Matches(Dockerfile(name)).Select(m => m.Value).Distinct().ToList();
            Assert.That(projects, Is.Not.Empty, name);
            foreach (var project in projects)
                Assert.That(File.Exists(DeployFiles.PathOf(project)), Is.True, $"{name}.Dockerfile: {project}");
            var service = $"src/{ConfigurationSurface.Capitalised(name)}/TradeHub.{ConfigurationSurface.Capitalised(name)}/TradeHub.{ConfigurationSurface.Capitalised(name)}.csproj";
            Assert.That(Instructions(Dockerfile(name)), Has.Some.StartsWith("RUN dotnet publish " + service), name);
            Assert.That(solution, Does.Contain(service), name);
        }
    }

    [Test]
    public void A_dockerfile_restores_every_project_its_service_references_before_copying_the_sources()
    {
        foreach (var name in Images)
        {
            var instructions = Instructions(Dockerfile(name));
            var copiedProjects = instructions.TakeWhile(i => !i.StartsWith("RUN dotnet restore", StringComparison.Ordinal))
                .SelectMany(i => Project().Matches(i).Select(m => m.Value)).ToHashSet();
            var service = $"src/{ConfigurationSurface.Capitalised(name)}/TradeHub.{ConfigurationSurface.Capitalised(name)}/TradeHub.{ConfigurationSurface.Capitalised(name)}.csproj";
            foreach (var reference in ProjectClosure(service))
                Assert.That(copiedProjects, Does.Contain(reference), $"{name}.Dockerfile copies {reference} before restore");
            foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props" })
                Assert.That(instructions.First(i => i.StartsWith("COPY ", StringComparison.Ordinal)), Does.Contain(file), name);
        }
    }

    [Test]
    public void Images_build_on_the_sdk_run_chiseled_as_a_non_root_user_on_8080_with_a_health_check()
    {
        foreach (var name in Images)
        {
            var instructions = Instructions(Dockerfile(name));
            var from = instructions.Where(i => i.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
            Assert.That(from[0], Does.StartWith("FROM mcr.microsoft.com/dotnet/sdk:10.0 "), name);
            Assert.That(from[^1], Does.StartWith("FROM mcr.microsoft.com/dotnet/aspnet:10.0"), name);
            Assert.That(instructions, Has.Some.EqualTo("USER $APP_UID"), name);
            Assert.That(instructions, Has.Some.EqualTo("EXPOSE 8080"), name);
            Assert.That(instructions, Has.Some.EqualTo("ENV ASPNETCORE_URLS=http://+:8080"), name);
            Assert.That(instructions, Has.Some.StartsWith("HEALTHCHECK ").And.Some.Contains("/health/live"), name);
            Assert.That(instructions.Last(), Is.EqualTo($"ENTRYPOINT [\"dotnet\", \"/app/TradeHub.{ConfigurationSurface.Capitalised(name)}.dll\"]"), name);
        }
        Assert.That(File.Exists(DeployFiles.PathOf("deploy/docker/HealthProbe/Program.cs")), Is.True);
    }

    [Test]
    public void The_dockerfiles_differ_only_in_the_service_name()
    {
        var template = Normalised("listings");
        foreach (var name in Images.Skip(1))
            Assert.That(Normalised(name), Is.EqualTo(template), $"{name}.Dockerfile drifted from listings.Dockerfile");
        Assert.That(template, Does.Contain("src/{Service}/TradeHub.{Service}/TradeHub.{Service}.csproj"));
    }

    /// <summary>The Dockerfile with its own service's name (not the shared contract projects') made a placeholder.</summary>
    private static string Normalised(string name)
    {
        var service = ConfigurationSurface.Capitalised(name);
        return Dockerfile(name)
            .Replace($"src/{service}/TradeHub.{service}/", "src/{Service}/TradeHub.{Service}/", StringComparison.Ordinal)
            .Replace($"TradeHub.{service}.csproj", "TradeHub.{Service}.csproj", StringComparison.Ordinal)
            .Replace($"TradeHub.{service}.dll", "TradeHub.{Service}.dll", StringComparison.Ordinal)
            .Replace($"TradeHub {service} image", "TradeHub {Service} image", StringComparison.Ordinal)
            .Replace($"{name}.Dockerfile", "{service}.Dockerfile", StringComparison.Ordinal)
            .Replace($"tradehub/{name} ", "tradehub/{service} ", StringComparison.Ordinal);
    }

    [Test]
    public void The_docker_ignore_file_keeps_build_output_and_local_state_out_of_the_context()
    {
        var lines = File.ReadAllLines(DeployFiles.PathOf(".dockerignore")).Select(l => l.Trim()).ToList();
        foreach (var pattern in new[] { "**/bin/", "**/obj/", ".local/", "**/node_modules/", ".git/" })
            Assert.That(lines, Does.Contain(pattern));
    }

    /// <summary>The project and every project it references, transitively, as repository-relative paths.</summary>
    private static HashSet<string> ProjectClosure(string project)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!found.Add(current)) continue;
            var folder = Path.GetDirectoryName(DeployFiles.PathOf(current))!;
            foreach (Match m in ProjectReference().Matches(File.ReadAllText(DeployFiles.PathOf(current))))
                pending.Push(DeployFiles.Relative(Path.GetFullPath(Path.Combine(folder, m.Groups[1].Value.Replace('\\', '/')))));
        }
        return found;
    }

    [GeneratedRegex(@"\\\r?\n")]
    private static partial Regex ContinuedLine();

    [GeneratedRegex(@"(?:src|deploy)/[\w./-]+?\.csproj")]
    private static partial Regex Project();

    [GeneratedRegex("<ProjectReference Include=\"([^\"]+)\"")]
    private static partial Regex ProjectReference();
}
