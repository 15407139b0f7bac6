using TradeHub.Testing;

namespace TradeHub.Browser.Tests;

public sealed class IntegrationsTests : DashboardTest
{
    [Test]
    public async Task An_organisation_adds_a_webhook_sees_its_secret_once_pings_it_and_sees_the_delivery()
    {
        await using var receiver = await WebhookReceiver.Started();
        var page = await OpenPage();
        await page.SignIn(Unique("erp-sme"), "sme");
        await page.WaitFor("[data-testid=integrations]");

        await page.ByTestId("webhook-url").FillAsync(receiver.Url);
        await page.ByTestId("webhook-add").ClickAsync();
        await page.WaitFor("[data-testid=webhook-secret-value]");
        var secret = await page.ByTestId("webhook-secret-value").InnerTextAsync();
        await page.WaitFor("[data-testid=webhooks-table] tr[data-id]");

        await page.ByTestId("webhook-ping").ClickAsync();
        var got = await receiver.Eventually(r => r.Count > 0, "the ping");
        await page.ByTestId("webhook-deliveries-show").ClickAsync();
        await page.WaitFor("[data-testid=webhook-deliveries-table]");
        await Screenshot(page, "integrations");

        Assert.Multiple(async () =>
        {
            Assert.That(secret, Does.StartWith("whsec_"));
            Assert.That(got[0].Body, Does.Contain("webhook.ping"));
            Assert.That(await page.ByTestId("webhook-deliveries-table").InnerTextAsync(), Does.Contain("webhook.ping"));
            Assert.That(await page.SettledConsoleErrors(), Is.Empty);
        });

        // The service's 400 naming the field lands beside that field.
        await page.ByTestId("webhook-url").FillAsync("not a url");
        await page.ByTestId("webhook-add").ClickAsync();
        await page.WaitFor("[data-testid=error-url]:not(:empty)");

        await page.ByTestId("lang-select").SelectOptionAsync("ru");
        var russian = await page.ByTestId("integrations").Locator("h2").InnerTextAsync();
        await page.ByTestId("lang-select").SelectOptionAsync("zh");
        var chinese = await page.ByTestId("integrations").Locator("h2").InnerTextAsync();
        Assert.Multiple(() =>
        {
            Assert.That(russian, Is.EqualTo("Интеграции (вебхуки)"));
            Assert.That(chinese, Is.EqualTo("集成（Webhook）"));
        });
    }
}
