using System.Runtime.CompilerServices;

namespace Cotangent.Runtime.Tests;

/// <summary>
/// The large-buffer pool's promises, tested directly: a recycled buffer documented as zeroed is zero; a buffer anyone
/// can still reach is never handed out again; an unreachable one does come back; the pool stays within its bound; and
/// kernels give identical results on recycled memory. Sizes are far above the pool's threshold (and above the ~2 KB
/// where fresh memory stops happening to be clean). Each test uses its own odd length, so tests running in parallel
/// do not take each other's buffers.
/// </summary>
public class BufferPoolTests
{
    /// <summary>Collects twice around the finalizers, so every unreachable tracked buffer is back in the pool.</summary>
    internal static void Reclaim()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    /// <summary>Rents <paramref name="count"/> buffers of <paramref name="length"/>, dirties them and drops them (in
    /// its own frame, so no local of the caller keeps them alive even without optimization).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void RentDirtyAndDrop(DType dtype, int length, int count)
    {
        for (int i = 0; i < count; i++)
        {
            var a = NDArray.AllocateUninitialized(dtype, length);
            switch (a)
            {
                case double[] d: d.AsSpan().Fill(7.5); break;
                case float[] f: f.AsSpan().Fill(-3f); break;
                case int[] n: n.AsSpan().Fill(12345); break;
                default: break;
            }
        }
    }

    [Theory]
    [InlineData(DType.Float64, 300_001)]
    [InlineData(DType.Float32, 300_003)]
    [InlineData(DType.Int32, 300_005)]
    public void RecycledBuffers_DocumentedZeroed_AreZero(DType dtype, int length)
    {
        long reusedBefore = BufferPool.Reused;
        for (int round = 0; round < 3; round++)
        {
            RentDirtyAndDrop(dtype, length, 2);
            Reclaim();
            var allocated = NDArray.Wrap(dtype, Shape.Of(length), NDArray.Allocate(dtype, length));
            var zeros = NDArray.Zeros(dtype, Shape.Of(length));
            for (int i = 0; i < length; i++)
            {
                if (allocated.GetDouble(i) != 0 || zeros.GetDouble(i) != 0)
                    Assert.Fail($"{dtype} round {round}: element {i} is {allocated.GetDouble(i)} / {zeros.GetDouble(i)}, not 0");
            }
        }

        // The test is only meaningful if dirty buffers really came back.
        Assert.True(BufferPool.Reused > reusedBefore, "no buffer was recycled, so the zeroing was never exercised");
    }

    [Fact]
    public void ReachableBuffer_IsNeverHandedOutAgain()
    {
        const int length = 200_007;
        var kept = (double[])NDArray.AllocateUninitialized(DType.Float64, length);
        kept.AsSpan().Fill(42);
        RentDirtyAndDrop(DType.Float64, length, 4);
        Reclaim();
        var others = new List<double[]>();
        for (int i = 0; i < 12; i++)
        {
            var a = (double[])NDArray.AllocateUninitialized(DType.Float64, length);
            Assert.False(ReferenceEquals(a, kept), "a buffer still referenced was handed out again");
            a.AsSpan().Fill(-1);
            others.Add(a);
        }

        Assert.All(kept, v => Assert.Equal(42, v));
        GC.KeepAlive(others);
    }

    [Fact]
    public void UnreachableBuffer_ComesBack()
    {
        const int length = 200_009;
        RentDirtyAndDrop(DType.Float64, length, 1);
        Reclaim();
        long before = BufferPool.Reused;
        _ = NDArray.AllocateUninitialized(DType.Float64, length);
        Assert.True(BufferPool.Reused > before, "an unreachable tracked buffer was not reused");
    }

    [Theory]
    [InlineData(UnaryOp.Exp)]
    [InlineData(UnaryOp.Tanh)]
    [InlineData(UnaryOp.Neg)]
    public void Kernels_OnRecycledMemory_GiveIdenticalResults(UnaryOp op)
    {
        const int length = 300_017;
        var rng = new Random(3);
        var x = NDArray.Wrap(Enumerable.Range(0, length).Select(_ => rng.NextDouble() * 8 - 4).ToArray(), Shape.Of(length));
        var first = Kernels.Unary(op, x).ToArray<double>();
        for (int round = 0; round < 3; round++)
        {
            RentDirtyAndDrop(DType.Float64, length, 2);
            Reclaim();
            var again = Kernels.Unary(op, x);
            var sum = Kernels.Binary(BinaryOp.Add, again, x);
            Assert.Equal(first, again.ToArray<double>());
            for (int i = 0; i < length; i += 997) Assert.Equal(first[i] + x.GetDouble(i), sum.GetDouble(i));
        }
    }
}

/// <summary>
/// The pool's bound and its eviction order. These tests shrink the shared pool's limit and reason about exactly which
/// buffers it holds, so they run alone: a test in parallel returning buffers would evict some of theirs.
/// </summary>
[Collection(nameof(PoolLimit))]
public class BufferPoolLimitTests
{
    private const int Small = 12_007;  // f64: 96,056 bytes, above the pool's threshold
    private const int Other = 12_003; // a little smaller: one eviction makes room for it

    [Fact]
    public void Pool_StaysWithinItsLimit()
    {
        long limit = BufferPool.LimitBytes;
        try
        {
            BufferPool.LimitBytes = 4L << 20;
            BufferPool.Clear();
            BufferPoolTests.RentDirtyAndDrop(DType.Float64, 250_013, 12); // 12 × 2 MB
            BufferPoolTests.Reclaim();
            Assert.True(BufferPool.PooledBytes <= BufferPool.LimitBytes, $"{BufferPool.PooledBytes} bytes pooled over a {BufferPool.LimitBytes}-byte limit");
        }
        finally
        {
            BufferPool.LimitBytes = limit;
        }
    }

    [Fact]
    public void FullPool_EvictsTheOldest_ForAReturnOfAnotherSize()
    {
        long limit = BufferPool.LimitBytes;
        try
        {
            // Everything unreachable from earlier tests back first, so no finalizer returns a stranger mid-test; then a
            // pool that holds exactly four buffers of Small.
            BufferPoolTests.Reclaim();
            BufferPool.LimitBytes = 4L * Small * sizeof(double);
            BufferPool.Clear();
            var small = Enumerable.Range(0, 6).Select(_ => (double[])NDArray.AllocateUninitialized(DType.Float64, Small)).ToArray();
            var other = (double[])NDArray.AllocateUninitialized(DType.Float64, Other);

            long evicted = BufferPool.Evicted;
            foreach (var a in small)
            {
                Assert.True(BufferPool.Release(a));
                Assert.True(BufferPool.PooledBytes <= BufferPool.LimitBytes, $"{BufferPool.PooledBytes} bytes pooled over a {BufferPool.LimitBytes}-byte limit");
            }

            // Six returned into room for four: the first two went.
            Assert.Equal(4L * Small * sizeof(double), BufferPool.PooledBytes);
            Assert.Equal(2, BufferPool.Evicted - evicted);

            // A full pool still takes a buffer of another size (the old behaviour dropped it), evicting only the
            // oldest remaining one.
            Assert.True(BufferPool.Release(other));
            Assert.True(BufferPool.PooledBytes <= BufferPool.LimitBytes, $"{BufferPool.PooledBytes} bytes pooled over a {BufferPool.LimitBytes}-byte limit");
            Assert.Equal(3, BufferPool.Evicted - evicted);
            Assert.Same(other, NDArray.AllocateUninitialized(DType.Float64, Other));

            // What is left is the three most recent Smalls, handed out newest first; the three oldest were evicted,
            // so the next rent of Small is a fresh array.
            Assert.Same(small[5], NDArray.AllocateUninitialized(DType.Float64, Small));
            Assert.Same(small[4], NDArray.AllocateUninitialized(DType.Float64, Small));
            Assert.Same(small[3], NDArray.AllocateUninitialized(DType.Float64, Small));
            var fresh = NDArray.AllocateUninitialized(DType.Float64, Small);
            Assert.DoesNotContain(small, a => ReferenceEquals(a, fresh));
            Assert.Equal(0, BufferPool.PooledBytes);
            GC.KeepAlive(other); // or a collection could hand it back through its finalizer mid-test
        }
        finally
        {
            BufferPool.LimitBytes = limit;
            BufferPool.Clear();
        }
    }

    /// <summary>
    /// A loop that drops its large intermediates (eager code: nothing tells the pool they are dead) must be served from
    /// reclaimed buffers once it is warm, not from fresh memory: a fresh large array costs page faults (measured ~10 ms for
    /// 8 MB on this project's VMs, against ~0.4 ms for the collection that brings the dropped ones back). So a miss
    /// with enough handed-out memory awaiting reclamation collects, waits for the reclaimers, and takes again.
    /// </summary>
    [Fact]
    public void SteadyLoopOfDroppedBuffers_IsServedByReclaimedOnes()
    {
        long limit = BufferPool.LimitBytes;
        try
        {
            const int length = 250_007; // 2 MB of f64
            BufferPoolTests.Reclaim();
            BufferPool.LimitBytes = 16L << 20;
            BufferPool.Clear();
            for (int i = 0; i < 20; i++) BufferPoolTests.RentDirtyAndDrop(DType.Float64, length, 3);
            long reused = BufferPool.Reused;
            const int rents = 60 * 3;
            for (int i = 0; i < rents / 3; i++) BufferPoolTests.RentDirtyAndDrop(DType.Float64, length, 3);
            long fresh = rents - (BufferPool.Reused - reused);
            Assert.True(fresh <= 3, $"{fresh} of {rents} rents of a steady loop got fresh arrays");
        }
        finally
        {
            BufferPool.LimitBytes = limit;
            BufferPool.Clear();
        }
    }

    [Fact]
    public void BufferLargerThanTheLimit_IsDropped_AndTheRestKept()
    {
        long limit = BufferPool.LimitBytes;
        try
        {
            BufferPoolTests.Reclaim();
            BufferPool.LimitBytes = 2L * Small * sizeof(double);
            BufferPool.Clear();
            var a = (double[])NDArray.AllocateUninitialized(DType.Float64, Small);
            var huge = (double[])NDArray.AllocateUninitialized(DType.Float64, 3 * Small);
            Assert.True(BufferPool.Release(a));
            Assert.True(BufferPool.Release(huge));
            Assert.Equal((long)Small * sizeof(double), BufferPool.PooledBytes);
            Assert.Same(a, NDArray.AllocateUninitialized(DType.Float64, Small));
        }
        finally
        {
            BufferPool.LimitBytes = limit;
            BufferPool.Clear();
        }
    }
}

/// <summary>Tests that change the shared pool's limit and count its contents run alone.</summary>
[CollectionDefinition(nameof(PoolLimit), DisableParallelization = true)]
public sealed class PoolLimit;
