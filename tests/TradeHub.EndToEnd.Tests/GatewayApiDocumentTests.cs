using System.Text.Json;
using System.Text.Json.Nodes;
using TradeHub.Testing;

namespace TradeHub.EndToEnd.Tests;

/// <summary>
/// The merged /openapi/v1.json is what clients are generated from: every operation is named, summarised, and says
/// what it answers on success and which problems it can return; and the copy in the repository that the sample's
/// client is generated from is the document the running gateway serves.
/// </summary>
public class GatewayApiDocumentTests
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    /// <summary>The committed document; set TRADEHUB_UPDATE_OPENAPI=1 to rewrite it from the running gateway.</summary>
    public static string CommittedPath => Path.Combine(RunningSystem.RepoRoot, "docs", "openapi", "v1.json");

    /// <summary>The merged document once every service's part is in it (a service still starting is left out briefly).</summary>
    private static async Task<JsonObject> Served()
    {
        using var http = new HttpClient { BaseAddress = TradeHubSystem.System.GatewayUrl };
        JsonObject document;
        var attempts = 0;
        do
        {
            if (attempts++ > 0) await Task.Delay(TimeSpan.FromSeconds(2));
            document = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!.AsObject();
        } while (document["x-tradehub-unavailable"] is not null && attempts < 15);
        return document;
    }

    private static IEnumerable<(string Name, JsonObject Operation)> Operations(JsonObject document)
    {
        foreach (var (path, item) in document["paths"]!.AsObject())
            foreach (var (method, operation) in item!.AsObject())
                if (Methods.Contains(method))
                    yield return ($"{method.ToUpperInvariant()} {path}", operation!.AsObject());
    }

    [Test]
    public async Task Every_operation_has_a_name_a_summary_a_success_answer_and_its_problems()
    {
        var document = await Served();
        var operations = Operations(document).ToList();
        var declared = document["tags"]?.AsArray().Select(t => t!["name"]!.GetValue<string>()).ToHashSet() ?? [];
        var faults = new List<string>();
        foreach (var (name, operation) in operations)
        {
            var responses = operation["responses"]?.AsObject() ?? [];
            if (operation["operationId"] is null) faults.Add($"{name}: no operationId");
            if (string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>())) faults.Add($"{name}: no summary");
            var success = responses.Where(r => r.Key.StartsWith('2')).ToList();
            if (success.Count == 0) faults.Add($"{name}: no 2xx response");
            foreach (var (code, response) in success)
                if (code != "204" && response!["content"] is not JsonObject { Count: > 0 })
                    faults.Add($"{name}: {code} has no media type");
            if (!responses.Any(r => r.Key.StartsWith('4') && r.Value!["content"]?["application/problem+json"] is not null))
                faults.Add($"{name}: no application/problem+json response");
            foreach (var tag in operation["tags"]?.AsArray() ?? [])
                if (!declared.Contains(tag!.GetValue<string>())) faults.Add($"{name}: tag '{tag}' not declared");
            if (operation["tags"] is not JsonArray { Count: > 0 }) faults.Add($"{name}: no tag");
        }
        var ids = operations.Select(o => o.Operation["operationId"]?.GetValue<string>()).OfType<string>().ToList();

        Assert.Multiple(() =>
        {
            Assert.That(document["x-tradehub-unavailable"], Is.Null, "every service's part is in the document");
            Assert.That(document["x-tradehub-schema-clashes"], Is.Null,
                "two services name different shapes alike; the merged document keeps only the first, so name them apart");
            Assert.That(operations, Has.Count.GreaterThanOrEqualTo(30));
            Assert.That(faults, Is.Empty);
            Assert.That(ids, Is.Unique);
        });
    }

    [Test]
    public async Task The_committed_document_is_the_one_the_gateway_serves()
    {
        var served = await Served();
        Assert.That(served["x-tradehub-unavailable"], Is.Null, "every service's part is in the document");
        var pretty = served.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        if (Environment.GetEnvironmentVariable("TRADEHUB_UPDATE_OPENAPI") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(CommittedPath)!);
            await File.WriteAllTextAsync(CommittedPath, pretty);
        }
        Assert.That(File.Exists(CommittedPath), Is.True, $"{CommittedPath} (run with TRADEHUB_UPDATE_OPENAPI=1 to write it)");
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(CommittedPath));

        Assert.That(JsonNode.DeepEquals(committed, served), Is.True,
            "docs/openapi/v1.json differs from the gateway's document: the API changed; review the change and run " +
            "this test with TRADEHUB_UPDATE_OPENAPI=1 to update the file the sample's client is generated from");
    }
}
