using System.Diagnostics;
using TradeHub.Routing.Network;

namespace TradeHub.Routing.Routes;

/// <summary>
/// Weighted-sum routes and the epsilon they certify (used to seed every search, and as the whole answer of a long
/// query when they already certify the epsilon asked for).
/// <para>A* with weights w gives the least w-weighted route, D_w. Every route x from source to target then satisfies
/// x &gt;= the three single-criterion optima I and w·x &gt;= D_w for every weight tried: a region P that holds
/// all routes. P is covered by the found routes within (1 + eps) exactly when, for every corner u of the region the
/// found routes leave uncovered, min(u_c / I_c, w·u / D_w) &lt;= 1 + eps. That maximum over the corners is a proven
/// end-to-end epsilon, whatever the hop count; the worst corner says which weights to try next
/// (w_c = 1 / u_c).</para>
/// </summary>
public sealed partial class ParetoSearch
{
    private readonly MinHeap routeHeap = new();
    private double[] routeDist = [];
    private int[] routeVia = [];
    private int[] routeStamp = [];
    private double[] routeEstimate = [];
    private int routeGeneration;
    private readonly SolutionCover found = new();
    /// <summary>
    /// Per weighted route: its weights, the least w-weighted value where it was searched (steers the next weights),
    /// and a proven lower bound on w·x over every route (the certificate's D_w): the same value when the search
    /// covered the whole graph, the A* bound at the source when it was held to a corridor.
    /// </summary>
    private readonly List<(double W0, double W1, double W2, double Least, double Proven)> weightedLeast = [];
    private readonly HashSet<(double, double, double)> stuckCorners = [];
    private readonly List<(double H, double C, double E)> foundPoints = [];
    private readonly double[] optimum = new double[LowerBounds.Criteria];

    /// <summary>
    /// Least w-weighted route from source to target (A* on the per-node bounds); false when none. When w is one of
    /// the prepared metrics (a criterion or a blend), pass its index and that metric's bound guides the search.
    /// </summary>
    private bool LeastWeighted(NetworkGraph g, int source, RouteFilter filter, double w0, double w1, double w2, int metric,
        out (int Path, double H, double C, double E) route, out double least, out double proven, RouteFilter? wider = null)
    {
        var n = g.NodeCount;
        if (routeStamp.Length < n)
        {
            routeDist = new double[n];
            routeVia = new int[n];
            routeStamp = new int[n];
            routeEstimate = new double[n];
            routeGeneration = 0;
        }
        if (++routeGeneration == int.MaxValue)
        {
            Array.Clear(routeStamp);
            routeGeneration = 1;
        }
        var gen = routeGeneration;
        // Bound on w·x from the per-node bounds: w·h, or a multiple mu of a blend plus w·h on what is left of w.
        var mu = blendShare;
        for (var k = 0; k < LowerBounds.Blends; k++)
        {
            var b = bounds.Blend[k];
            mu[k] = Math.Min(w0 / b[0], Math.Min(w1 / b[1], w2 / b[2]));
        }
        double Estimate(int v)
        {
            Touch(v);
            var at = v * Metrics;
            double h0 = bound[at], h1 = bound[at + 1], h2 = bound[at + 2];
            if (double.IsPositiveInfinity(h0)) return double.PositiveInfinity;
            if (metric >= 0) return bound[at + metric];
            var best = w0 * h0 + w1 * h1 + w2 * h2;
            for (var k = 0; k < LowerBounds.Blends; k++)
            {
                if (mu[k] <= 0) continue;
                var b = bounds.Blend[k];
                var m = mu[k];
                var value = m * bound[at + 3 + k] + (w0 - m * b[0]) * h0 + (w1 - m * b[1]) * h1 + (w2 - m * b[2]) * h2;
                if (value > best) best = value;
            }
            var combined = 0.0;
            for (var m = 0; m < Metrics; m++)
                if (combination[m] > 0) combined += combination[m] * bound[at + m];
            if (combined > best) best = combined;
            return best * (1 - 1e-12);
        }
        if (metric < 0) BestCombination(source, w0, w1, w2);

        // A found route bounds the answer from above: nodes that cannot beat it need not be queued.
        var ceiling = double.PositiveInfinity;
        foreach (var (h0, c0, e0) in foundPoints) ceiling = Math.Min(ceiling, (w0 * h0 + w1 * c0 + w2 * e0) * (1 + 1e-9));

        routeHeap.Clear();
        routeStamp[source] = gen;
        routeDist[source] = 0;
        routeVia[source] = -1;
        routeEstimate[source] = Estimate(source);
        routeHeap.Push(routeEstimate[source], source);
        var arcs = g.Arcs;
        var outStart = g.OutStart;
        var reached = false;
        // Held to a corridor inside the query's wider filter: the least value over routes that leave it. A route's
        // first exit u -> v costs at least g(u) + w·leg + h(v) when u was settled, and nothing cheaper than the
        // target when it was not (consistent bounds), so min(least in the corridor, exits) is proven.
        var exits = double.PositiveInfinity;
        while (routeHeap.Count > 0)
        {
            var u = routeHeap.Pop(out var key);
            var d = routeDist[u];
            if (key > d + routeEstimate[u]) continue;
            if (u == target)
            {
                reached = true;
                break;
            }
            for (var a = outStart[u]; a < outStart[u + 1]; a++)
            {
                ref readonly var arc = ref arcs[a];
                var v = arc.Head;
                var nd = d + w0 * arc.Hours + w1 * arc.Usd + w2 * arc.Co2;
                if (!filter.Allows(arc))
                {
                    if (wider is not null && wider.Allows(arc)) exits = Math.Min(exits, nd + Estimate(v));
                    continue;
                }
                if (routeStamp[v] != gen)
                {
                    routeStamp[v] = gen;
                    routeDist[v] = double.PositiveInfinity;
                    routeEstimate[v] = Estimate(v);
                }
                else if (nd >= routeDist[v]) continue;
                var estimate = routeEstimate[v];
                if (double.IsPositiveInfinity(estimate) || nd + estimate > ceiling) continue;
                routeDist[v] = nd;
                routeVia[v] = a;
                routeHeap.Push(nd + estimate, v);
            }
        }
        route = default;
        least = 0;
        proven = 0;
        if (!reached) return false;

        var hops = 0;
        for (var v = target; v != source; v = g.TailOf(routeVia[v])) hops++;
        if (pathBuffer.Length < hops) pathBuffer = new int[Math.Max(hops, pathBuffer.Length * 2)];
        var i = hops;
        for (var v = target; v != source; v = g.TailOf(routeVia[v])) pathBuffer[--i] = routeVia[v];
        double h = 0, c = 0, e = 0;
        var p = -1;
        for (i = 0; i < hops; i++)
        {
            ref readonly var arc = ref arcs[pathBuffer[i]];
            h += arc.Hours; c += arc.Usd; e += arc.Co2;
            p = NewStep(p, pathBuffer[i]);
        }
        route = (p, h, c, e);
        least = Math.Min(routeDist[target], w0 * h + w1 * c + w2 * e) * (1 - 1e-12);
        proven = Math.Min(least, exits * (1 - 1e-12));
        return true;
    }

    private int[] pathBuffer = new int[256];
    private readonly double[] blendShare = new double[LowerBounds.Blends];

    private readonly double[] combination = new double[LowerBounds.Metrics];

    /// <summary>
    /// The non-negative combination of at most three metrics (criteria and blends) that equals w and gives the
    /// largest bound at the source (a three-row linear programme, solved by trying every basis). w·x equals the
    /// combination's value on x, so the combination of the per-node bounds is a consistent bound on w·x.
    /// </summary>
    private void BestCombination(int source, double w0, double w1, double w2)
    {
        Array.Clear(combination);
        Touch(source);
        var at = source * Metrics;
        if (double.IsPositiveInfinity(bound[at])) return;
        Span<double> w = [w0, w1, w2];
        Span<double> best = stackalloc double[3];
        int bestA = -1, bestB = -1, bestC = -1;
        var bestValue = 0.0;
        for (var a = 0; a < Metrics; a++)
            for (var b = a + 1; b < Metrics; b++)
                for (var c = b + 1; c < Metrics; c++)
                {
                    var (a0, a1, a2) = Direction(a);
                    var (b0, b1, b2) = Direction(b);
                    var (c0, c1, c2) = Direction(c);
                    var det = a0 * (b1 * c2 - b2 * c1) - b0 * (a1 * c2 - a2 * c1) + c0 * (a1 * b2 - a2 * b1);
                    var scale = Norm(a0, a1, a2) * Norm(b0, b1, b2) * Norm(c0, c1, c2);
                    if (Math.Abs(det) <= 1e-12 * scale) continue;
                    // Cramer's rule for la * A + lb * B + lc * C = w.
                    var la = (w[0] * (b1 * c2 - b2 * c1) - b0 * (w[1] * c2 - w[2] * c1) + c0 * (w[1] * b2 - w[2] * b1)) / det;
                    var lb = (a0 * (w[1] * c2 - w[2] * c1) - w[0] * (a1 * c2 - a2 * c1) + c0 * (a1 * w[2] - a2 * w[1])) / det;
                    var lc = (a0 * (b1 * w[2] - b2 * w[1]) - b0 * (a1 * w[2] - a2 * w[1]) + w[0] * (a1 * b2 - a2 * b1)) / det;
                    if (la < 0 || lb < 0 || lc < 0) continue;
                    var value = la * bound[at + a] + lb * bound[at + b] + lc * bound[at + c];
                    if (value <= bestValue) continue;
                    bestValue = value;
                    (bestA, bestB, bestC) = (a, b, c);
                    (best[0], best[1], best[2]) = (la, lb, lc);
                }
        if (bestA < 0) return;
        // Rounding may leave the combination a hair above w; shrink it so it stays below.
        const double Shrink = 1 - 1e-9;
        combination[bestA] = best[0] * Shrink;
        combination[bestB] = best[1] * Shrink;
        combination[bestC] = best[2] * Shrink;
    }

    private (double, double, double) Direction(int metric) => metric switch
    {
        0 => (1, 0, 0),
        1 => (0, 1, 0),
        2 => (0, 0, 1),
        _ => (bounds.Blend[metric - 3][0], bounds.Blend[metric - 3][1], bounds.Blend[metric - 3][2]),
    };

    private static double Norm(double x, double y, double z) => Math.Sqrt(x * x + y * y + z * z);

    /// <summary>Adds a weighted-sum route: to the found set, to the corners it covers, and its least value.</summary>
    private void AddWeighted(double w0, double w1, double w2, (int Path, double H, double C, double E) route, double least, double proven)
    {
        AddSolution(route.Path, route.H, route.C, route.E);
        found.Add(route.H, route.C, route.E);
        foundPoints.Add((route.H, route.C, route.E));
        weightedLeast.Add((w0, w1, w2, least, proven));
    }

    /// <summary>The epsilon the found routes prove over every route (see class remarks), and the worst corner.</summary>
    private double CertifiedEpsilon(out (double H, double C, double E) worst, bool skipStuck, bool pickByProof = false)
    {
        var worstRatio = 1.0;
        var pickRatio = 1.0;
        worst = default;
        for (var i = 0; i < found.Corners; i++)
        {
            var u = found.Corner(i);
            var ratio = RatioAt(u, proven: true);
            if (ratio > worstRatio) worstRatio = ratio;
            var steer = pickByProof ? ratio : RatioAt(u, proven: false);
            if (steer > pickRatio && !(skipStuck && stuckCorners.Contains(u)))
            {
                pickRatio = steer;
                worst = u;
            }
        }
        if (skipStuck && pickRatio <= 1) worst = default;
        return worstRatio - 1;
    }

    /// <summary>
    /// Weighted-sum routes aimed at the worst uncovered corner until the proven epsilon reaches the one asked for,
    /// the corners left cannot be reached by weighted sums (gaps in a non-convex front), or time runs out.
    /// </summary>
    private double SampleUntil(NetworkGraph g, int source, RouteFilter filter, double epsilon, int maxRoutes, long deadline,
        RouteFilter? corridor = null)
    {
        stuckCorners.Clear();
        var certified = CertifiedEpsilon(out var corner, skipStuck: true);
        for (var tries = 0; tries < maxRoutes && certified > epsilon && Stopwatch.GetTimestamp() < deadline; tries++)
        {
            if (corner == default) break;
            var (w0, w1, w2) = WeightsToward(corner);
            var reached = corridor is null
                ? LeastWeighted(g, source, filter, w0, w1, w2, -1, out var route, out var least, out var proven)
                : LeastWeighted(g, source, corridor, w0, w1, w2, -1, out route, out least, out proven, wider: filter);
            if (!reached) break;
            var before = RatioAt(corner, proven: false);
            AddWeighted(w0, w1, w2, route, least, proven);
            if (CornerStillOpen(corner) && RatioAt(corner, proven: false) >= before - 1e-12) stuckCorners.Add(corner);
            certified = CertifiedEpsilon(out corner, skipStuck: true);
        }
        return certified;
    }

    /// <summary>
    /// After a corridor search: whole-graph weighted-sum routes aimed at the corner the certificate is worst at,
    /// whose least values it can use (the corridor routes' own are weaker), up to `routes` of them.
    /// </summary>
    private double ProveWithWeighted(NetworkGraph g, int source, RouteFilter filter, double epsilon, int routes, long deadline)
    {
        stuckCorners.Clear();
        var certified = CertifiedEpsilon(out var corner, skipStuck: true, pickByProof: true);
        for (var tries = 0; tries < routes && certified > epsilon && corner != default && Stopwatch.GetTimestamp() < deadline; tries++)
        {
            var (w0, w1, w2) = WeightsToward(corner);
            if (!LeastWeighted(g, source, filter, w0, w1, w2, -1, out var route, out var least, out _)) break;
            AddWeighted(w0, w1, w2, route, least, least);
            stuckCorners.Add(corner);
            certified = CertifiedEpsilon(out corner, skipStuck: true, pickByProof: true);
        }
        return certified;
    }

    /// <summary>
    /// Weights aimed at an uncovered corner: the normal of the plane (or line) through the found routes that define
    /// its coordinates, so the weighted sum ties them and any route below that face wins (the dichotomic scheme of
    /// Aneja and Nair, in three criteria); 1 / corner when the face does not give positive weights.
    /// </summary>
    private (double, double, double) WeightsToward((double H, double C, double E) u)
    {
        Span<double> corner = [u.H, u.C, u.E];
        Span<int> finite = stackalloc int[3];
        var count = 0;
        for (var c = 0; c < 3; c++)
            if (corner[c] < SolutionCover.Unbounded / 2) finite[count++] = c;
        var fallback = (Weight(u.H), Weight(u.C), Weight(u.E));
        if (count < 2) return fallback;
        Span<(double H, double C, double E)> defining = stackalloc (double, double, double)[3];
        for (var k = 0; k < count; k++)
        {
            var c = finite[k];
            var value = corner[c];
            var match = foundPoints.FindIndex(p => (c == 0 ? p.H : c == 1 ? p.C : p.E) == value);
            if (match < 0) return fallback;
            defining[k] = foundPoints[match];
        }
        if (count == 2)
        {
            int c1 = finite[0], c2 = finite[1];
            var a = At(defining[0]);
            var b = At(defining[1]);
            Span<double> w = [0, 0, 0];
            w[c1] = b[c2] - a[c2];
            w[c2] = a[c1] - b[c1];
            return w[c1] > 0 && w[c2] > 0 ? (w[0], w[1], w[2]) : fallback;
        }
        var (pa, pb, pc) = (At(defining[0]), At(defining[1]), At(defining[2]));
        double x1 = pb[0] - pa[0], y1 = pb[1] - pa[1], z1 = pb[2] - pa[2];
        double x2 = pc[0] - pa[0], y2 = pc[1] - pa[1], z2 = pc[2] - pa[2];
        double n0 = y1 * z2 - z1 * y2, n1 = z1 * x2 - x1 * z2, n2 = x1 * y2 - y1 * x2;
        if (n0 < 0 && n1 < 0 && n2 < 0) (n0, n1, n2) = (-n0, -n1, -n2);
        return n0 > 0 && n1 > 0 && n2 > 0 ? (n0, n1, n2) : fallback;
    }

    private static double[] At((double H, double C, double E) p) => [p.H, p.C, p.E];

    private static double Weight(double corner) => corner >= SolutionCover.Unbounded / 2 ? 0 : 1 / corner;

    /// <summary>
    /// How far the region of all routes reaches below corner u: min(u_c / I_c, w·u / D_w). The optima are rounded
    /// sums, so they are taken a hair lower (the ratio a hair higher) to stay on the safe side.
    /// </summary>
    private double RatioAt((double H, double C, double E) u, bool proven)
    {
        const double Safe = 1 - 1e-12;
        var ratio = Math.Min(u.H / (optimum[0] * Safe), Math.Min(u.C / (optimum[1] * Safe), u.E / (optimum[2] * Safe)));
        foreach (var (w0, w1, w2, steering, lowerBound) in weightedLeast)
        {
            if (ratio <= 1) break;
            var least = proven ? lowerBound : steering;
            if (least > 0) ratio = Math.Min(ratio, (w0 * u.H + w1 * u.C + w2 * u.E) / least);
        }
        return ratio;
    }

    private bool CornerStillOpen((double H, double C, double E) u)
    {
        for (var i = 0; i < found.Corners; i++)
            if (found.Corner(i) == u) return true;
        return false;
    }
}
