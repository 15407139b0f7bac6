namespace TradeHub.Browser.Tests;

public sealed class AdminTests : DashboardTest
{
    /// <summary>
    /// Uses a peripheral road crossing and a window two years ahead, and reopens it at the end, so other tests
    /// sharing the running system keep their routes.
    /// </summary>
    [Test]
    public async Task Admin_closes_a_border_crossing_sees_it_marked_and_reopens_it()
    {
        var admin = await OpenPage();
        await admin.SignIn(Unique("operator"), "admin");

        await admin.ByTestId("disruption-nodeId").SelectOptionAsync("KGTOR");
        await admin.ByTestId("disruption-from").FillAsync(Gateway.Date(700));
        await admin.ByTestId("disruption-to").FillAsync(Gateway.Date(702));
        await admin.ByTestId("disruption-reason").FillAsync("Browser test: planned works");
        await admin.ByTestId("disruption-submit").ClickAsync();
        var row = admin.Page.Locator("[data-testid=disruptions-table] tr[data-node-id=KGTOR]").First;
        try
        {
            await row.WaitForAsync();
            await admin.WaitFor("[data-testid=map] [data-testid=map-node-KGTOR].disrupted");
            await Screenshot(admin, "admin-closed");
            Assert.That(await row.InnerTextAsync(), Does.Contain("Browser test: planned works"));
        }
        finally
        {
            if (await row.CountAsync() > 0) await row.GetByTestId("disruption-reopen").ClickAsync();
        }

        await admin.Page.Locator("[data-testid=disruptions-table] tr[data-node-id=KGTOR]")
            .WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        Assert.That(await admin.Page.Locator("[data-testid=map-node-KGTOR].disrupted").CountAsync(), Is.Zero);
    }
}
