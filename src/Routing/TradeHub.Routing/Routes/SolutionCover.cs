namespace TradeHub.Routing.Routes;

/// <summary>
/// The part of (hours, USD, CO2) space the routes found so far do NOT cover, kept as its corner points ("local upper
/// bounds"): a point y is uncovered exactly when y &lt; u on all three criteria for some corner u. A route s covers y
/// when s / (1 + eps) &lt;= y, so each route is added scaled by 1 / (1 + eps).
/// <para>A label can be dropped when every completion it could still have is covered. Its completions lie in
/// {y &gt;= f, blend_k(y) &gt;= c_k}: f is its apex plus the per-criterion bounds, c_k its apex's blend plus the
/// blend bound. That region meets the box below corner u exactly when f &lt; u and c_k &lt; blend_k(u) for every
/// blend, so each corner stores its blends next to its coordinates and the test is one strict comparison per
/// value.</para>
/// (Klamroth, Lacour and Vanderpooten, "On the representation of the search region in multi-objective
/// optimization", EJOR 2015: the corner update below is their redundancy-filtered one.)
/// </summary>
internal sealed class SolutionCover
{
    private const double Far = 1e300;
    private readonly int stride = LowerBounds.Criteria + LowerBounds.Blends;
    private double[] corners = new double[64 * (LowerBounds.Criteria + LowerBounds.Blends)];
    private int count;
    private double[][] blend = [];
    private readonly List<int> cut = [];
    private double[] fresh = new double[64];

    public int Corners => count;

    /// <summary>Corner i's criteria (1e300 stands for unbounded).</summary>
    public (double H, double C, double E) Corner(int i) => (corners[i * stride], corners[i * stride + 1], corners[i * stride + 2]);

    public const double Unbounded = Far;

    public void Reset(double[][] blendWeights)
    {
        blend = blendWeights;
        count = 0;
        Append(Far, Far, Far);
    }

    /// <summary>True when no corner lies strictly above the point on every value (criteria, then blends).</summary>
    public bool Covers(ReadOnlySpan<double> point)
    {
        var c = corners;
        double p0 = point[0], p1 = point[1], p2 = point[2];
        for (var i = 0; i < count; i++)
        {
            var at = i * stride;
            if (p0 >= c[at] || p1 >= c[at + 1] || p2 >= c[at + 2]) continue;
            var open = true;
            for (var k = 3; k < stride; k++)
                if (point[k] >= c[at + k])
                {
                    open = false;
                    break;
                }
            if (open) return false;
        }
        return true;
    }

    /// <summary>Adds a route's totals already divided by (1 + eps).</summary>
    public void Add(double h, double c, double e)
    {
        Span<double> z = [h, c, e];
        cut.Clear();
        for (var i = 0; i < count; i++)
        {
            var at = i * stride;
            if (h < corners[at] && c < corners[at + 1] && e < corners[at + 2]) cut.Add(i);
        }
        if (cut.Count == 0) return;

        // Each cut corner u splits into (z_j, u without j) for j = 0..2; drop a piece whose box lies inside
        // another piece of the same j.
        var freshCount = 0;
        for (var j = 0; j < 3; j++)
            for (var a = 0; a < cut.Count; a++)
            {
                var ua = cut[a] * stride;
                var redundant = false;
                for (var b = 0; b < cut.Count && !redundant; b++)
                {
                    if (b == a) continue;
                    var ub = cut[b] * stride;
                    var atLeast = true;
                    var greater = false;
                    for (var k = 0; k < 3; k++)
                    {
                        if (k == j) continue;
                        if (corners[ub + k] < corners[ua + k]) atLeast = false;
                        else if (corners[ub + k] > corners[ua + k]) greater = true;
                    }
                    redundant = atLeast && (greater || b < a);
                }
                if (redundant) continue;
                if (fresh.Length < (freshCount + 1) * 3) Array.Resize(ref fresh, fresh.Length * 2);
                for (var k = 0; k < 3; k++) fresh[freshCount * 3 + k] = k == j ? z[j] : corners[ua + k];
                freshCount++;
            }

        // Remove the cut corners (indices ascending), then append the pieces.
        var write = 0;
        var next = 0;
        for (var i = 0; i < count; i++)
        {
            if (next < cut.Count && cut[next] == i)
            {
                next++;
                continue;
            }
            if (write != i) Array.Copy(corners, i * stride, corners, write * stride, stride);
            write++;
        }
        count = write;
        for (var f = 0; f < freshCount; f++) Append(fresh[f * 3], fresh[f * 3 + 1], fresh[f * 3 + 2]);
    }

    private void Append(double h, double c, double e)
    {
        if ((count + 1) * stride > corners.Length) Array.Resize(ref corners, corners.Length * 2);
        var at = count * stride;
        corners[at] = h;
        corners[at + 1] = c;
        corners[at + 2] = e;
        for (var k = 0; k < blend.Length; k++)
        {
            var w = blend[k];
            corners[at + 3 + k] = w[0] * h + w[1] * c + w[2] * e;
        }
        count++;
    }
}
