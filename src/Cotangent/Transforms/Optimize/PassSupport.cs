using Cotangent.Core;
using Cotangent.Runtime;

namespace Cotangent.Transforms;

/// <summary>
/// What the optimization passes share: renaming operands through a substitution (a pass that removes an equation maps
/// its results to the atoms that replace them), and bitwise comparison and hashing of concrete arrays (two constants
/// are interchangeable only when every bit agrees: −0 ≠ +0 and NaNs with different payloads differ).
/// </summary>
internal static class PassSupport
{
    /// <summary>The atom <paramref name="atom"/> stands for after the substitutions so far.</summary>
    public static Atom Rename(Dictionary<Var, Atom> map, Atom atom) =>
        atom is Var v && map.TryGetValue(v, out var to) ? to : atom;

    /// <summary>The operands renamed; the same array when nothing changes (equations are then kept as they are).</summary>
    public static Atom[] Rename(Dictionary<Var, Atom> map, Atom[] inputs)
    {
        if (map.Count == 0) return inputs;
        Atom[]? renamed = null;
        for (int i = 0; i < inputs.Length; i++)
        {
            var to = Rename(map, inputs[i]);
            if (ReferenceEquals(to, inputs[i])) continue;
            renamed ??= (Atom[])inputs.Clone();
            renamed[i] = to;
        }

        return renamed ?? inputs;
    }

    /// <summary>The equation with its operands renamed (the same equation when none changes).</summary>
    public static Equation Rename(Dictionary<Var, Atom> map, Equation eq)
    {
        var inputs = Rename(map, eq.Inputs);
        return ReferenceEquals(inputs, eq.Inputs) ? eq : eq with { Inputs = inputs };
    }

    /// <summary>The program outputs renamed, in order.</summary>
    public static IReadOnlyList<Atom> RenameOutputs(Dictionary<Var, Atom> map, IReadOnlyList<Atom> outputs)
    {
        if (map.Count == 0) return outputs;
        var result = new Atom[outputs.Count];
        for (int i = 0; i < result.Length; i++) result[i] = Rename(map, outputs[i]);
        return result;
    }

    /// <summary>Same dtype, shape and bits of every element.</summary>
    public static bool SameBits(NDArray a, NDArray b)
    {
        if (a.DType != b.DType || a.Shape != b.Shape) return false;
        return a.DType switch
        {
            // Compared as integers: bitwise, so −0 ≠ +0 and a NaN equals only the same NaN.
            DType.Float64 => a.Float64Bits().SequenceEqual(b.Float64Bits()),
            DType.Float32 => a.Float32Bits().SequenceEqual(b.Float32Bits()),
            DType.Int32 => a.ReadOnlySpan<int>().SequenceEqual(b.ReadOnlySpan<int>()),
            _ => a.ReadOnlySpan<bool>().SequenceEqual(b.ReadOnlySpan<bool>()),
        };
    }

    /// <summary>A hash of dtype, shape and (for a large array, the first) element bits, consistent with <see cref="SameBits"/>.</summary>
    public static int HashBits(NDArray a)
    {
        var h = new HashCode();
        h.Add(a.DType);
        h.Add(a.Shape);
        int n = Math.Min(a.Size, 64);   // a prefix: equal arrays hash equally, and hashing stays cheap for big constants
        for (int i = 0; i < n; i++) h.Add(BitsAt(a, i));
        return h.ToHashCode();
    }

    /// <summary>The bits of element <paramref name="i"/> as a long.</summary>
    public static long BitsAt(NDArray a, int i) => a.DType switch
    {
        DType.Float64 => BitConverter.DoubleToInt64Bits(a.ReadOnlySpan<double>()[i]),
        DType.Float32 => BitConverter.SingleToInt32Bits(a.ReadOnlySpan<float>()[i]),
        DType.Int32 => a.ReadOnlySpan<int>()[i],
        _ => a.ReadOnlySpan<bool>()[i] ? 1 : 0,
    };

    private static ReadOnlySpan<long> Float64Bits(this NDArray a) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<double, long>(a.ReadOnlySpan<double>());

    private static ReadOnlySpan<int> Float32Bits(this NDArray a) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(a.ReadOnlySpan<float>());
}
