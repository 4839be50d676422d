using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Cotangent.Runtime;

/// <summary>A call split in two: the caller runs one part while the worker thread runs the other.</summary>
internal abstract class WorkItem
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

/// <summary>
/// One persistent background thread that takes the second half of large calls. After a job it spins (yielding)
/// for a short while so back-to-back calls start without a kernel wake-up, then parks on a monitor.
/// </summary>
internal static class Worker
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
                s_thread = new Thread(Loop) { IsBackground = true, Name = "Cotangent worker" };
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
