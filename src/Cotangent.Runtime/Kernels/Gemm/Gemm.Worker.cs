using System.Diagnostics;
using System.Numerics;
using System.Runtime.ExceptionServices;

namespace Cotangent.Runtime;

internal static unsafe partial class Gemm
{
    /// <summary>A call split in two: the caller runs one part while the worker thread runs the other.</summary>
    private abstract class WorkItem
    {
        private int _done;

        public Exception? Error { get; set; }

        public abstract void RunCallerPart();

        public abstract void RunWorkerPart();

        public void MarkDone() => Volatile.Write(ref _done, 1);

        public void WaitDone()
        {
            var spinner = default(SpinWait);
            while (Volatile.Read(ref _done) == 0) spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    private sealed class SplitJob<T> : WorkItem
        where T : unmanaged, INumber<T>
    {
        private readonly Problem<T> _p;
        private readonly bool _splitColumns;
        private readonly int _split;

        public SplitJob(Problem<T> p, bool splitColumns, int split)
        {
            _p = p;
            _splitColumns = splitColumns;
            _split = split;
        }

        public override void RunCallerPart()
        {
            if (_splitColumns) Run(in _p, 0, _p.M, 0, _split);
            else Run(in _p, 0, _split, 0, _p.N);
        }

        public override void RunWorkerPart()
        {
            if (_splitColumns) Run(in _p, 0, _p.M, _split, _p.N);
            else Run(in _p, _split, _p.M, 0, _p.N);
        }
    }

    /// <summary>A batch of small products: the caller takes the first half, the worker the rest, one thread each.</summary>
    private sealed class BatchJob<T> : WorkItem
        where T : unmanaged, INumber<T>
    {
        private readonly int _batch, _m, _n, _k;
        private readonly T* _a, _b, _c;
        private readonly nint _strideA, _rsA, _csA, _strideB, _rsB, _csB, _strideC, _ldc;
        private readonly bool _accumulate;
        private readonly GemmIsa _isa;

        public BatchJob(int batch, int m, int n, int k, T* a, nint strideA, nint rsA, nint csA,
            T* b, nint strideB, nint rsB, nint csB, T* c, nint strideC, nint ldc, bool accumulate, GemmIsa isa)
        {
            (_batch, _m, _n, _k) = (batch, m, n, k);
            _a = a;
            _b = b;
            _c = c;
            (_strideA, _rsA, _csA) = (strideA, rsA, csA);
            (_strideB, _rsB, _csB) = (strideB, rsB, csB);
            (_strideC, _ldc) = (strideC, ldc);
            (_accumulate, _isa) = (accumulate, isa);
        }

        public override void RunCallerPart() => RunRange(0, _batch / 2);

        public override void RunWorkerPart() => RunRange(_batch / 2, _batch);

        private void RunRange(int from, int to)
        {
            for (int i = from; i < to; i++)
            {
                Multiply(_m, _n, _k, _a + i * _strideA, _rsA, _csA, _b + i * _strideB, _rsB, _csB,
                    _c + i * _strideC, _ldc, _accumulate, _isa, maxThreads: 1);
            }
        }
    }

    /// <summary>
    /// One persistent background thread that takes the second half of large calls. After a job it spins (yielding)
    /// for a short while so back-to-back calls start without a kernel wake-up, then parks on a monitor.
    /// </summary>
    private static class Worker
    {
        private static readonly object s_gate = new();
        private static readonly long s_spinTicks = Stopwatch.Frequency / 2000; // 0.5 ms
        private static WorkItem? s_pending;
        private static int s_busy;
        private static Thread? s_thread;

        /// <summary>Runs both parts of <paramref name="item"/>, or returns false at once if the worker is taken by another caller.</summary>
        public static bool TryRun(WorkItem item)
        {
            if (Interlocked.CompareExchange(ref s_busy, 1, 0) != 0) return false;
            try
            {
                if (s_thread is null)
                {
                    s_thread = new Thread(Loop) { IsBackground = true, Name = "Cotangent GEMM worker" };
                    s_thread.Start();
                }

                lock (s_gate)
                {
                    s_pending = item;
                    Monitor.Pulse(s_gate);
                }

                Exception? callerError = null;
                try
                {
                    item.RunCallerPart();
                }
                catch (Exception e)
                {
                    callerError = e;
                }

                // Always wait: the worker reads the caller's pinned buffers.
                item.WaitDone();
                if (callerError is not null) ExceptionDispatchInfo.Throw(callerError);
                if (item.Error is not null) ExceptionDispatchInfo.Throw(item.Error);
                return true;
            }
            finally
            {
                Volatile.Write(ref s_busy, 0);
            }
        }

        private static void Loop()
        {
            while (true)
            {
                var item = Take();
                try
                {
                    item.RunWorkerPart();
                }
#pragma warning disable CA1031 // The error is handed back to the calling thread and rethrown there.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    item.Error = e;
                }

                item.MarkDone();
            }
        }

        private static WorkItem Take()
        {
            long start = Stopwatch.GetTimestamp();
            int spins = 0;
            while (true)
            {
                if (Volatile.Read(ref s_pending) is not null)
                {
                    var item = Interlocked.Exchange(ref s_pending, null);
                    if (item is not null) return item;
                }

                if (++spins < 16)
                {
                    Thread.SpinWait(20);
                    continue;
                }

                spins = 0;
                if (Stopwatch.GetTimestamp() - start > s_spinTicks) break;
                Thread.Yield();
            }

            lock (s_gate)
            {
                while (true)
                {
                    var item = s_pending;
                    if (item is not null)
                    {
                        s_pending = null;
                        return item;
                    }

                    Monitor.Wait(s_gate);
                }
            }
        }
    }
}
