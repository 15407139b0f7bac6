namespace TradeHub.Browser.Tests;

public sealed class MapTests : DashboardTest
{
    private const string VisibleLabels = "() => document.querySelectorAll('[data-testid=map] .layer-labels text.node-label').length";

    private const string LabelledNodes =
        "() => [...document.querySelectorAll('[data-testid=map] .layer-labels text.node-label')].map((t) => t.dataset.testid.replace('map-label-', ''))";

    /// <summary>Ids of the nodes whose markers are inside the map's frame.</summary>
    private const string NodesInFrame = """
        () => {
          const frame = document.querySelector('[data-testid=map]').getBoundingClientRect();
          return [...document.querySelectorAll('[data-testid=map] g.node')].filter((g) => {
            const b = g.getBoundingClientRect();
            return b.left >= frame.left && b.right <= frame.right && b.top >= frame.top && b.bottom <= frame.bottom;
          }).map((g) => g.dataset.node);
        }
        """;

    /// <summary>Pairs of labels whose drawn boxes overlap, as "A / B".</summary>
    private const string OverlappingLabels = """
        () => {
          const boxes = [...document.querySelectorAll('[data-testid=map] .layer-labels text.node-label')]
            .map((t) => ({ name: t.textContent, b: t.getBoundingClientRect() }));
          const hits = [];
          for (let i = 0; i < boxes.length; i++)
            for (let j = i + 1; j < boxes.length; j++) {
              const a = boxes[i].b, b = boxes[j].b;
              if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) hits.push(`${boxes[i].name} / ${boxes[j].name}`);
            }
          return hits;
        }
        """;

    [Test]
    public async Task The_map_draws_the_corridor_network_before_sign_in()
    {
        var page = await OpenPage();
        await page.Page.GotoAsync("/");
        await page.WaitFor("[data-testid=map][data-ready=true]");
        await page.WaitFor("[data-testid=signin]");
        await Screenshot(page, "map-signed-out");

        var errors = await page.SettledConsoleErrors();
        Assert.Multiple(async () =>
        {
            Assert.That(await page.Page.Locator("[data-testid=map] g.node").CountAsync(), Is.GreaterThan(50), "network nodes");
            Assert.That(await page.Page.Locator("[data-testid=map] path.leg").CountAsync(), Is.GreaterThan(50), "network legs");
            Assert.That(await page.ByTestId("map-status").CountAsync(), Is.Zero, "no 'Loading the network' left");
            Assert.That(await page.ByTestId("session").InnerTextAsync(), Is.Empty, "nobody is signed in");
            Assert.That(errors, Is.Empty);
        });
    }

    [Test]
    public async Task Labels_do_not_overlap_and_zooming_in_shows_more_of_them()
    {
        var page = await OpenPage();
        await page.Page.GotoAsync("/");
        await page.WaitFor("[data-testid=map][data-ready=true]");
        var nodes = await page.Page.Locator("[data-testid=map] g.node").CountAsync();
        var atDefault = await page.Page.EvaluateAsync<int>(VisibleLabels);
        var labelledAtDefault = await page.Page.EvaluateAsync<string[]>(LabelledNodes);
        var overlapsAtDefault = await page.Page.EvaluateAsync<string[]>(OverlappingLabels);
        await page.Page.Locator("[data-testid=map]").ScrollIntoViewIfNeededAsync();
        await Screenshot(page, "map-labels-default");

        // Wheel over Central Asia (Tashkent, Bishkek, Almaty crowd each other at the default zoom).
        var tashkent = await page.ByTestId("map-node-UZTAS").BoundingBoxAsync();
        await page.Page.Mouse.MoveAsync(tashkent!.X + tashkent.Width / 2, tashkent.Y + tashkent.Height / 2);
        for (var i = 0; i < 3; i++) await page.Page.Mouse.WheelAsync(0, -250);
        await page.Page.WaitForFunctionAsync("() => Number(document.querySelector('[data-testid=map]').dataset.zoom) >= 2");
        var inFrame = await page.Page.EvaluateAsync<string[]>(NodesInFrame);
        var labelledZoomed = await page.Page.EvaluateAsync<string[]>(LabelledNodes);
        // Compare like with like: of the nodes still in the frame, how many had a label before and how many now.
        var before = labelledAtDefault.Intersect(inFrame).Count();
        var now = labelledZoomed.Intersect(inFrame).Count();
        var overlapsZoomed = await page.Page.EvaluateAsync<string[]>(OverlappingLabels);
        var centralAsia = await page.Page.Locator(
            "[data-testid=map-label-UZTAS], [data-testid=map-label-KGFRU], [data-testid=map-label-KZALA]").CountAsync();
        await Screenshot(page, "map-labels-zoomed");

        Assert.Multiple(() =>
        {
            Assert.That(atDefault, Is.GreaterThan(10).And.LessThan(nodes), "some labels, not all, at the default zoom");
            Assert.That(overlapsAtDefault, Is.Empty, "overlapping labels at the default zoom");
            Assert.That(now, Is.GreaterThan(before), "zooming in labels more of the nodes around the pointer");
            Assert.That(overlapsZoomed, Is.Empty, "overlapping labels after zooming in");
            Assert.That(centralAsia, Is.EqualTo(3), "Tashkent, Bishkek and Almaty all labelled when zoomed in");
        });
    }

    [Test]
    public async Task Dragging_pans_the_map_and_the_reset_button_shows_it_whole()
    {
        var page = await OpenPage();
        await page.Page.GotoAsync("/");
        await page.WaitFor("[data-testid=map][data-ready=true]");
        await page.ByTestId("map-zoom-in").ClickAsync();
        var before = await page.ByTestId("map-node-CNBJS").BoundingBoxAsync();

        var map = await page.ByTestId("map").BoundingBoxAsync();
        await page.Page.Mouse.MoveAsync(map!.X + map.Width / 2, map.Y + map.Height / 2);
        await page.Page.Mouse.DownAsync();
        await page.Page.Mouse.MoveAsync(map.X + map.Width / 2 - 120, map.Y + map.Height / 2 + 40, new MouseMoveOptions { Steps = 5 });
        await page.Page.Mouse.UpAsync();
        var after = await page.ByTestId("map-node-CNBJS").BoundingBoxAsync();
        await page.ByTestId("map-zoom-reset").ClickAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(after!.X - before!.X, Is.EqualTo(-120).Within(3), "the node moved with the pointer");
            Assert.That(after.Y - before.Y, Is.EqualTo(40).Within(3));
            Assert.That(await page.ByTestId("map").GetAttributeAsync("data-zoom"), Is.EqualTo("1.00"));
        });
    }

    [Test]
    public async Task Every_label_is_translated_into_russian_and_chinese()
    {
        var page = await OpenPage();
        await page.Page.GotoAsync("/");
        await page.WaitFor("[data-testid=signin]");
        var missing = await page.Page.EvaluateAsync<string[]>(
            "async () => { const m = await import('/js/i18n.js'); return ['ru', 'zh'].flatMap((c) => m.missingKeys(c).map((k) => `${c}:${k}`)); }");
        Assert.That(missing, Is.Empty);
    }
}
