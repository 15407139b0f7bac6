namespace TradeHub.Routing.Routes;

/// <summary>Binary min-heap of (key, item) in two flat arrays; stale entries are skipped by the caller (lazy decrease-key).</summary>
internal sealed class MinHeap
{
    private double[] keys = new double[256];
    private int[] items = new int[256];
    public int Count { get; private set; }

    public void Clear() => Count = 0;

    public void Push(double key, int item)
    {
        if (Count == keys.Length)
        {
            Array.Resize(ref keys, Count * 2);
            Array.Resize(ref items, Count * 2);
        }
        var i = Count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (keys[parent] <= key) break;
            keys[i] = keys[parent];
            items[i] = items[parent];
            i = parent;
        }
        keys[i] = key;
        items[i] = item;
    }

    public double PeekKey => keys[0];

    public int Pop(out double key)
    {
        key = keys[0];
        var top = items[0];
        var last = --Count;
        if (last > 0)
        {
            var k = keys[last];
            var it = items[last];
            var i = 0;
            while (true)
            {
                var child = 2 * i + 1;
                if (child >= last) break;
                if (child + 1 < last && keys[child + 1] < keys[child]) child++;
                if (keys[child] >= k) break;
                keys[i] = keys[child];
                items[i] = items[child];
                i = child;
            }
            keys[i] = k;
            items[i] = it;
        }
        return top;
    }

    /// <summary>The item at a heap slot (for walking the open entries after a stop).</summary>
    public int ItemAt(int slot) => items[slot];
}
