using System.Numerics;

namespace Cotangent.Runtime;

internal static unsafe partial class Gemm
{
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
}
