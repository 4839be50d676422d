using System.Runtime.CompilerServices;

namespace Cotangent.Runtime;

/// <summary>
/// Reuses large buffers without asking anyone to Dispose. A buffer of at least <see cref="MinBytes"/> is handed out
/// together with a small finalizable <em>reclaimer</em>, attached to the array through a
/// <see cref="ConditionalWeakTable{TKey, TValue}"/>: the table never keeps the array alive, so the reclaimer becomes
/// garbage exactly when the array does — when no tensor, view, span or user variable can reach it any more — and its
/// finalizer puts the array back. Reuse therefore never needs an ownership protocol and cannot alias live data.
/// Fresh large arrays cost a large-object-heap allocation (a full collection every few calls, and fresh pages);
/// a recycled one costs only the write.
/// <para>
/// Buckets are keyed by element type and exact length (training loops repeat shapes exactly). The pool holds at most
/// <see cref="LimitBytes"/>, evicting least-recently-returned: a return that does not fit first drops the oldest pooled
/// buffers (of any size) to the collector until it does, so buffers of sizes no longer used cannot clog the pool and
/// stop it recycling the sizes in use. A take hands out the most recently returned buffer of its size (warmest in cache).
/// </para>
/// </summary>
internal static class BufferPool
{
    /// <summary>Buffers smaller than this are left to the generation-0 allocator, which is already cheap for them. Just
    /// under the large-object heap's 85,000 bytes: every array that would land there (allocated cold, collected only by
    /// full collections) is pooled.</summary>
    public const int MinBytes = 80 * 1024;

    /// <summary>
    /// Inside a compiled call (a Jit executable, which knows every intermediate's last use and hands each back then), buffers
    /// from this size up are pooled too: a training step's small intermediates (biases, logits, per-row sums) are then
    /// reused from one step to the next instead of allocated each time.
    /// </summary>
    public const int MinBytesInCompiledCalls = 1024;

    [ThreadStatic]
    private static bool s_compiledCall;

    /// <summary>Marks this thread as running a compiled call until the returned value is disposed (calls nest).</summary>
    public static CompiledCallScope EnterCompiledCall()
    {
        bool outer = s_compiledCall;
        s_compiledCall = true;
        return new CompiledCallScope(outer);
    }

    /// <summary>Restores the thread's previous state.</summary>
    public readonly struct CompiledCallScope(bool outer) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => s_compiledCall = outer;
    }

    private static readonly ConditionalWeakTable<Array, Reclaimer> s_tracked = new();
    private static readonly Dictionary<(Type, int), Bucket> s_buckets = [];
    private static readonly object s_gate = new();

    // Every pooled buffer, oldest return first: the eviction order. Guarded by s_gate, like the buckets.
    private static Entry? s_oldest;
    private static Entry? s_newest;
    private static long s_pooledBytes;
    private static long s_evicted;
    private static long s_reused;
    private static long s_outstanding;
    private static long s_induced;
    private static long s_released;

    /// <summary>The most the pool keeps: a sixty-fourth of the memory the GC may use, between 32 MB and 256 MB. It is
    /// also twice how many bytes of handed-out buffers may await reclamation before a miss asks for a collection.</summary>
    public static long LimitBytes { get; internal set; } =
        Math.Clamp(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 64, 32L << 20, 256L << 20);

    /// <summary>Bytes of tracked buffers handed out and not yet reclaimed (live or awaiting a collection).</summary>
    public static long OutstandingBytes => Interlocked.Read(ref s_outstanding);

    /// <summary>Collections the pool has asked for since the process started.</summary>
    public static long InducedCollections => Interlocked.Read(ref s_induced);

    /// <summary>Bytes currently held in the pool (not in use).</summary>
    public static long PooledBytes => Interlocked.Read(ref s_pooledBytes);

    /// <summary>How many requests were served by a recycled buffer since the process started.</summary>
    public static long Reused => Interlocked.Read(ref s_reused);

    /// <summary>How many pooled buffers were dropped to make room for a more recent return since the process started.</summary>
    public static long Evicted => Interlocked.Read(ref s_evicted);

    /// <summary>An array of exactly <paramref name="length"/> elements with unspecified contents: recycled when one
    /// of that length is free, fresh otherwise; large arrays are tracked so they come back once unreachable.</summary>
    public static T[] RentUninitialized<T>(int length)
        where T : unmanaged
    {
        if ((long)length * Unsafe.SizeOf<T>() < (s_compiledCall ? MinBytesInCompiledCalls : MinBytes)) return GC.AllocateUninitializedArray<T>(length);
        var array = (T[]?)TryTake(typeof(T), length);
        if (array is null)
        {
            // A miss. The collector sizes its large-object budget by what survives, and every tracked buffer survives
            // its first collection (its reclaimer's finalizer still has to run), so left alone it would collect ever
            // less often and the process would grow. Ask for a collection once enough handed-out memory awaits one —
            // half the limit, so that everything it brings back fits in the pool — and wait for the reclaimers before
            // taking again: in a loop that drops its intermediates (eager code) the buffers this request needs are
            // usually among them, and a fresh large array costs far more than the collection (page faults: ~10 ms for
            // 8 MB on this project's VMs, against ~0.4 ms). The runtime returns at once from the wait when called on
            // the finalizer thread itself, so a tensor operation in a finalizer cannot deadlock here.
            if (Interlocked.Read(ref s_outstanding) > LimitBytes / 2)
            {
                Interlocked.Exchange(ref s_outstanding, 0);
                Interlocked.Increment(ref s_induced);
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
                GC.WaitForPendingFinalizers();
                array = (T[]?)TryTake(typeof(T), length);
            }

            array ??= GC.AllocateUninitializedArray<T>(length);
        }

        Interlocked.Add(ref s_outstanding, (long)length * Unsafe.SizeOf<T>());
        s_tracked.AddOrUpdate(array, new Reclaimer(array));
        return array;
    }

    /// <summary><see cref="RentUninitialized{T}"/> and then cleared: every element is zero.</summary>
    public static T[] RentCleared<T>(int length)
        where T : unmanaged
    {
        if ((long)length * Unsafe.SizeOf<T>() < (s_compiledCall ? MinBytesInCompiledCalls : MinBytes)) return new T[length];
        var array = RentUninitialized<T>(length);
        array.AsSpan().Clear();
        return array;
    }

    private static Array? TryTake(Type element, int length)
    {
        lock (s_gate)
        {
            // The most recent return of this size: the likeliest to still be in cache.
            if (!s_buckets.TryGetValue((element, length), out var bucket) || bucket.Newest is not { } entry) return null;
            Unlink(entry);
            s_reused++;
            return entry.Array;
        }
    }

    /// <summary>Called by a reclaimer's finalizer (or <see cref="Release"/>): the array is unreachable from everywhere else.</summary>
    private static void Return(Array array)
    {
        long bytes = ByteLength(array);
        // Clamped at zero: the count restarts at each induced collection, and reclaims of older buffers arrive after it.
        long seen;
        do seen = Interlocked.Read(ref s_outstanding);
        while (Interlocked.CompareExchange(ref s_outstanding, Math.Max(0, seen - bytes), seen) != seen);
        lock (s_gate)
        {
            if (bytes > LimitBytes) return; // could never fit: emptying the pool for it would only lose the others
            // Least-recently-returned first: a size not returned for a while is likelier a size no longer used (an
            // earlier phase, another test or model) than the one being returned now.
            while (s_pooledBytes + bytes > LimitBytes && s_oldest is { } oldest)
            {
                Unlink(oldest);
                s_evicted++;
                if (oldest.Bucket.Newest is null) s_buckets.Remove(oldest.Bucket.Key); // a cold size: forget its bucket
            }

            var key = (array.GetType().GetElementType()!, array.Length);
            if (!s_buckets.TryGetValue(key, out var bucket)) s_buckets[key] = bucket = new Bucket(key);
            var entry = new Entry(array, bytes, bucket) { Older = s_newest, OlderInBucket = bucket.Newest };
            if (s_newest is null) s_oldest = entry;
            else s_newest.Newer = entry;
            s_newest = entry;
            if (bucket.Newest is not null) bucket.Newest.NewerInBucket = entry;
            bucket.Newest = entry;
            s_pooledBytes += bytes;
        }
    }

    /// <summary>Takes <paramref name="entry"/> out of both lists, the global one and its bucket's (under s_gate).</summary>
    private static void Unlink(Entry entry)
    {
        if (entry.Older is null) s_oldest = entry.Newer;
        else entry.Older.Newer = entry.Newer;
        if (entry.Newer is null) s_newest = entry.Older;
        else entry.Newer.Older = entry.Older;
        var bucket = entry.Bucket;
        if (entry.OlderInBucket is not null) entry.OlderInBucket.NewerInBucket = entry.NewerInBucket;
        if (entry.NewerInBucket is null) bucket.Newest = entry.OlderInBucket;
        else entry.NewerInBucket.OlderInBucket = entry.OlderInBucket;
        s_pooledBytes -= entry.Bytes;
    }

    /// <summary>
    /// Puts back, at once, a tracked array that its caller knows nothing else can reach (an evaluator that owns the
    /// whole program and has seen the value's last use). Returns false, doing nothing, for an array the pool did not
    /// hand out. The caller's guarantee is what makes this safe; everything else waits for the collector.
    /// </summary>
    internal static bool Release(Array array)
    {
        if (!s_tracked.TryGetValue(array, out var reclaimer)) return false;
        s_tracked.Remove(array);
        reclaimer.Disarm();
        Interlocked.Increment(ref s_released);
        Return(array);
        return true;
    }

    /// <summary>How many arrays evaluators have handed back through <see cref="Release"/> since the process started.</summary>
    public static long Released => Interlocked.Read(ref s_released);

    /// <summary>Empties the pool (tests and benchmarks that need a cold start).</summary>
    internal static void Clear()
    {
        lock (s_gate)
        {
            s_buckets.Clear();
            s_oldest = s_newest = null;
            s_pooledBytes = 0;
        }
    }

    private static long ByteLength(Array array) => (long)array.Length * (array switch
    {
        double[] => sizeof(double),
        float[] or int[] => sizeof(float),
        _ => 1,
    });

    /// <summary>One pooled buffer, linked into the global recency list and into its size's bucket (both doubly linked,
    /// oldest to newest, so a take from a bucket's newest end and an eviction of the globally oldest, which is its
    /// bucket's oldest, are both O(1)).</summary>
    private sealed class Entry(Array array, long bytes, Bucket bucket)
    {
        public readonly Array Array = array;
        public readonly long Bytes = bytes;
        public readonly Bucket Bucket = bucket;
        public Entry? Older;
        public Entry? Newer;
        public Entry? OlderInBucket;
        public Entry? NewerInBucket;
    }

    /// <summary>The pooled buffers of one element type and length, reached from the newest.</summary>
    private sealed class Bucket((Type, int) key)
    {
        public readonly (Type, int) Key = key;
        public Entry? Newest;
    }

    /// <summary>Holds its array and returns it from the finalizer, which runs only once nothing else reaches either.</summary>
    private sealed class Reclaimer(Array array)
    {
        private Array? _array = array;

        /// <summary>The array went back another way (<see cref="Release"/>): the finalizer must not return it again, so it need
        /// not run at all (compiled calls release most of their intermediates, each with a reclaimer the finalizer thread
        /// would otherwise still have to work through).</summary>
        [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA1816", Justification = "Not a Dispose pattern: a disarmed reclaimer's finalizer has nothing left to do.")]
        public void Disarm()
        {
            _array = null;
            GC.SuppressFinalize(this);
        }

        ~Reclaimer()
        {
            // No pool work while the runtime shuts down: statics may already be finalized.
            if (_array is not null && !Environment.HasShutdownStarted) Return(_array);
        }
    }
}
