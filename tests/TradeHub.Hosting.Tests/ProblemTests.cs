using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using TradeHub.Hosting.Http;

namespace TradeHub.Hosting.Tests;

public class ProblemTests
{
    [TestCase("$.containers.count", "containers.count")]
    [TestCase("$.ReadyDate", "readyDate")]
    [TestCase("$", "body")]
    [TestCase(null, "body")]
    public void Json_paths_become_the_field_names_clients_send(string? path, string field) =>
        Assert.That(ProblemExceptionHandler.FieldName(path), Is.EqualTo(field));

    [Test]
    public void Unreadable_json_is_a_400_naming_the_field()
    {
        var error = new BadHttpRequestException("bad", 400, new JsonException("x", "$.weightKg", 1, 10));
        var (status, problem) = ProblemExceptionHandler.Describe(error);
        Assert.That(status, Is.EqualTo(400));
        Assert.That(((HttpValidationProblemDetails)problem).Errors.Keys, Does.Contain("weightKg"));
    }

    [Test]
    public void A_database_that_does_not_answer_is_a_503() =>
        Assert.That(ProblemExceptionHandler.Describe(new Npgsql.NpgsqlException("down")).Status, Is.EqualTo(503));

    [Test]
    public void Wrong_content_type_is_a_415() =>
        Assert.That(ProblemExceptionHandler.Describe(new BadHttpRequestException("ct", 415)).Status, Is.EqualTo(415));

    [Test]
    public void A_bug_is_a_500_without_details()
    {
        var (status, problem) = ProblemExceptionHandler.Describe(new NullReferenceException());
        Assert.That(status, Is.EqualTo(500));
        Assert.That(problem, Is.TypeOf<ProblemDetails>());
    }
}
