using Cotangent.Runtime;

namespace Cotangent.Core;

/// <summary>
/// Shared rank-0 constants for literals that recur in rules and user code (0, 1, 2, ½ …), so eager
/// scalar arithmetic does not allocate a fresh constant per operation. Tensors are immutable, so sharing is safe.
/// </summary>
public static class ScalarCache
{
    private static readonly double[] s_common = [0, 1, 2, -1, 0.5, -0.5, 3, 4, 10];
    private static readonly Tensor[][] s_cache = BuildCache();

    private static Tensor[][] BuildCache()
    {
        var result = new Tensor[4][];
        for (int d = 0; d < 4; d++)
        {
            result[d] = new Tensor[s_common.Length];
            for (int i = 0; i < s_common.Length; i++)
            {
                var dtype = (DType)d;
                double v = dtype == DType.Bool ? (s_common[i] != 0 ? 1 : 0) : dtype == DType.Int32 ? Math.Truncate(s_common[i]) : s_common[i];
                result[d][i] = new Tensor(NDArray.Scalar(dtype, v));
            }
        }

        return result;
    }

    /// <summary>A rank-0 tensor of <paramref name="dtype"/> equal to <paramref name="value"/>, shared when common.</summary>
    public static Tensor Get(double value, DType dtype)
    {
        for (int i = 0; i < s_common.Length; i++)
        {
            // Bitwise match keeps −0.0 distinct from 0.0.
            if (BitConverter.DoubleToInt64Bits(s_common[i]) == BitConverter.DoubleToInt64Bits(value) && (dtype.IsFloat() || Math.Truncate(value) == value))
                return s_cache[(int)dtype][i];
        }

        if (dtype == DType.Int32 && Math.Truncate(value) != value)
            throw new DTypeException($"The literal {value} is not an integer and cannot be combined with an int32 tensor; convert the tensor to a float dtype first.");

        // Other literals recur too (`y * 1.01` in a loop): a small direct-mapped cache keeps the most recent ones, so a
        // loop does not allocate a constant per iteration. It is shared by all threads (a thread-static cost a
        // thread-local lookup per literal): entries are immutable objects, and a reference is read or written whole.
        long bits = BitConverter.DoubleToInt64Bits(value);
        int slot = (int)(((ulong)(bits ^ ((long)dtype << 61)) * 0x9E3779B97F4A7C15UL) >> 58);
        var entry = s_recent[slot];
        if (entry is not null && entry.Bits == bits && entry.DType == dtype) return entry.Value;
        entry = new Entry(bits, dtype, new Tensor(NDArray.Scalar(dtype, value)));
        s_recent[slot] = entry;
        return entry.Value;
    }

    private const int RecentSize = 64;   // a power of two: the slot is the top 6 bits of a Fibonacci hash

    private static readonly Entry?[] s_recent = new Entry?[RecentSize];

    private sealed record Entry(long Bits, DType DType, Tensor Value);
}
