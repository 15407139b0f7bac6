namespace TradeHub.Routing.Routes;

/// <summary>
/// Binary min-heap of (key, item) in two flat arrays. By default stale entries are skipped by the caller (lazy
/// decrease-key). With <see cref="TrackItems"/> (items are nodes) it keeps each node's slot instead, so
/// <see cref="PushOrLower"/> lowers a queued node's key in place: each node is pushed and popped once and the heap
/// stays as small as the search frontier (the full reverse Dijkstras).
/// </summary>
internal sealed class MinHeap
{
    private double[] keys = new double[256];
    private int[] items = new int[256];
    /// <summary>When tracking: the slot of each node in the heap, -1 never queued, -2 popped.</summary>
    private int[]? slot;
    public int Count { get; private set; }

    public void Clear() => Count = 0;

    /// <summary>Empties the heap and tracks the slots of nodes 0..n-1 from now on.</summary>
    public void TrackItems(int n)
    {
        if (slot is null || slot.Length < n) slot = new int[n];
        Array.Fill(slot, -1, 0, n);
        Count = 0;
    }

    public void Push(double key, int item)
    {
        if (Count == keys.Length)
        {
            Array.Resize(ref keys, Count * 2);
            Array.Resize(ref items, Count * 2);
        }
        SiftUp(Count++, key, item);
    }

    /// <summary>Tracking only: queues the node, or lowers its key when it is queued (a popped node stays out).</summary>
    public void PushOrLower(double key, int node)
    {
        var i = slot![node];
        if (i == -1) Push(key, node);
        else if (i >= 0 && key < keys[i]) SiftUp(i, key, node);
    }

    public int Pop(out double key)
    {
        key = keys[0];
        var top = items[0];
        if (slot is not null) slot[top] = -2;
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
                Place(i, keys[child], items[child]);
                i = child;
            }
            Place(i, k, it);
        }
        return top;
    }

    /// <summary>The item at a heap slot (for walking the open entries after a stop).</summary>
    public int ItemAt(int slot) => items[slot];

    private void SiftUp(int i, double key, int item)
    {
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (keys[parent] <= key) break;
            Place(i, keys[parent], items[parent]);
            i = parent;
        }
        Place(i, key, item);
    }

    private void Place(int i, double key, int item)
    {
        keys[i] = key;
        items[i] = item;
        if (slot is not null) slot[item] = i;
    }
}
