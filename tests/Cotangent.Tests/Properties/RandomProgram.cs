using System.Globalization;
using System.Text;
using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent.Tests.Properties;

/// <summary>
/// How a <see cref="RandomProgram"/> is evaluated: the values so far (inputs, then one per step), the
/// program's float dtype, and the dtype a <c>convert</c> step round-trips through. The float64
/// reference copy of a program uses float64 for both, so its converts disappear.
/// </summary>
internal sealed class EvalContext(List<Tensor> values, DType dtype, DType other)
{
    public List<Tensor> Values { get; } = values;

    public DType DType { get; } = dtype;

    public DType Other { get; } = other;
}

/// <summary>An expression over earlier values of a random program; it prints as the code it runs.</summary>
internal abstract class Expr
{
    public abstract Tensor Eval(EvalContext c);

    /// <summary>The values this expression reads.</summary>
    public virtual IEnumerable<int> Vars() => [];
}

/// <summary>Value v<c>Index</c> (an input or an earlier step).</summary>
internal sealed class VarExpr(int index) : Expr
{
    public int Index { get; } = index;

    public override Tensor Eval(EvalContext c) => c.Values[Index];

    public override IEnumerable<int> Vars() => [Index];

    public override string ToString() => $"v{Index}";
}

/// <summary>A scalar constant of the program's dtype.</summary>
internal sealed class ConstExpr(double value) : Expr
{
    public double Value { get; } = value;

    public override Tensor Eval(EvalContext c) => new(NDArray.Scalar(c.DType, Value));

    public override string ToString() => Value.ToString("G4", CultureInfo.InvariantCulture);
}

/// <summary>A constant int32 index array (gather / scatter_add indices, dynamic_slice starts).</summary>
internal sealed class IndexExpr(int[] values, int[] shape) : Expr
{
    public override Tensor Eval(EvalContext c) => new(NDArray.Wrap((int[])values.Clone(), Shape.Of(shape)));

    public override string ToString() => shape.Length == 0
        ? values[0].ToString(CultureInfo.InvariantCulture)
        : $"i32{Shape.Format(shape)}{{{string.Join(",", values)}}}";
}

/// <summary>A primitive (or a Lax helper) applied to argument expressions.</summary>
internal sealed class CallExpr(string name, string? parameters, Expr[] args, Func<Tensor[], EvalContext, Tensor> apply) : Expr
{
    public override Tensor Eval(EvalContext c)
    {
        var values = new Tensor[args.Length];
        for (int i = 0; i < values.Length; i++) values[i] = args[i].Eval(c);
        return apply(values, c);
    }

    public override IEnumerable<int> Vars() => args.SelectMany(a => a.Vars());

    public override string ToString()
    {
        if (args.Length == 2 && name is "+" or "-" or "*" or "/") return $"({args[0]} {name} {args[1]})";
        var p = parameters is null ? "" : $"[{parameters}]";
        return $"{name}{p}({string.Join(", ", args.Select(a => a.ToString()))})";
    }
}

/// <summary>One step of a random program: v<c>Index</c> = <c>Expr</c>, with the shape the generator predicts.</summary>
internal sealed record Step(int Index, Expr Expr, Shape Shape, string Kind);

/// <summary>
/// A random well-typed straight-line program over 1–3 float inputs (see <see cref="ProgramGen"/>):
/// a list of steps, each an expression over inputs and earlier steps, ending with the last step
/// (optionally summed to a scalar). It runs eagerly, traces, and prints as readable code.
/// </summary>
internal sealed class RandomProgram
{
    public required DType DType { get; init; }

    public required Shape[] InputShapes { get; init; }

    public required IReadOnlyList<Step> Steps { get; init; }

    /// <summary>True to return reduce_sum of the last step over all axes; false to return the last step.</summary>
    public required bool ReduceToScalar { get; init; }

    /// <summary>Steps other than the last that no later step reads: their sums are added to the output, so no step is dead.</summary>
    public required int[] Sinks { get; init; }

    /// <summary>Seed of the input and tangent values.</summary>
    public required int ValueSeed { get; init; }

    /// <summary>True when some step round-trips through the other float dtype.</summary>
    public required bool HasConvert { get; init; }

    /// <summary>The op kinds, for classification.</summary>
    public string Kinds => string.Join(" ", Steps.Select(s => s.Kind));

    /// <summary>Whether some arithmetic happens in float32 (the program's dtype, or a convert step).</summary>
    public bool UsesFloat32 => DType == DType.Float32 || HasConvert;

    /// <summary>The output shape the generator predicts.</summary>
    public Shape OutputShape => ReduceToScalar ? Shape.Scalar : Steps[^1].Shape;

    /// <summary>Total number of input elements.</summary>
    public int InputSize => InputShapes.Sum(s => s.Size);

    /// <summary>Runs the program on <paramref name="inputs"/> (eagerly, or under whatever trace is current).</summary>
    /// <param name="inputs">One tensor per input shape.</param>
    /// <param name="reference">Evaluate the float64 reference copy: every dtype is float64, converts vanish.</param>
    public Tensor Run(Tensor[] inputs, bool reference = false)
    {
        var values = Every(inputs, reference);
        var output = values[^1];
        if (ReduceToScalar) output = SumAll(output);
        foreach (var k in Sinks) output = Lax.Add(output, SumAll(values[k]));
        return output;
    }

    /// <summary>
    /// The multi-output form: the last step, every sink (unreduced), and input 0 itself (an output that
    /// is an input), so linearization and transposition see several outputs of different shapes.
    /// </summary>
    public Tensor[] RunAll(Tensor[] inputs, bool reference = false)
    {
        var values = Every(inputs, reference);
        return [values[^1], .. Sinks.Select(k => values[k]), inputs[0]];
    }

    /// <summary>Every value: the inputs, then one per step.</summary>
    public Tensor[] Every(Tensor[] inputs, bool reference = false)
    {
        var dtype = reference ? DType.Float64 : DType;
        var other = reference ? DType.Float64 : dtype == DType.Float64 ? DType.Float32 : DType.Float64;
        var c = new EvalContext([.. inputs], dtype, other);
        foreach (var s in Steps) c.Values.Add(s.Expr.Eval(c));
        return [.. c.Values];
    }

    /// <summary>
    /// The largest tangent of any intermediate value along <paramref name="t64"/> (float64 reference): the
    /// scale of the terms a float32 JVP or transpose rounds, which can cancel to a much smaller result.
    /// </summary>
    public double TangentMagnitude(Tensor[] x64, Tensor[] t64)
    {
        var (_, tangents) = Ad.Jvp(xs => Every(xs, reference: true), x64, t64);
        return Numerics.MaxAbs(tangents) + 1e-300;
    }

    private static Tensor SumAll(Tensor x) => Lax.ReduceSum(x, Enumerable.Range(0, x.Rank).ToArray());

    /// <summary>The program as a function of its inputs.</summary>
    public Func<Tensor[], Tensor> Function(bool reference = false) => xs => Run(xs, reference);

    /// <summary>
    /// Input values uniform in [−2, 2), float32-representable so the float64 reference copy sees the
    /// same point, in <paramref name="dtype"/>.
    /// </summary>
    public Tensor[] Inputs(DType dtype) => Random(dtype, ValueSeed, uniform: true);

    /// <summary>Random tangents (or cotangents) for the inputs, float32-representable; <paramref name="salt"/> picks the draw.</summary>
    public Tensor[] Tangents(DType dtype, int salt) => Random(dtype, unchecked((ValueSeed * 31) + salt), uniform: false);

    /// <summary>A random float32-representable tensor of <paramref name="shape"/> in <paramref name="dtype"/>.</summary>
    public static Tensor RandomLike(Shape shape, DType dtype, Random r, bool uniform)
    {
        var v = new double[shape.Size];
        for (int i = 0; i < v.Length; i++)
        {
            double x = uniform ? -2 + (4 * r.NextDouble()) : Normal(r);
            v[i] = (float)x;
        }

        return Numerics.FromDoubles(v, shape, dtype);
    }

    private Tensor[] Random(DType dtype, int seed, bool uniform)
    {
        var r = new Random(seed);
        return InputShapes.Select(s => RandomLike(s, dtype, r, uniform)).ToArray();
    }

    private static double Normal(Random r)
    {
        double u1 = 1 - r.NextDouble(), u2 = r.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        var d = DType.ShortName();
        static string S(Shape s) => "[" + string.Join(",", s.ToArray()) + "]";
        sb.Append(CultureInfo.InvariantCulture, $"{d} program, value seed {ValueSeed}{(HasConvert ? ", with converts" : "")}:");
        for (int i = 0; i < InputShapes.Length; i++) sb.Append(CultureInfo.InvariantCulture, $"\n  v{i} : {d}{S(InputShapes[i])}  (input)");
        foreach (var s in Steps) sb.Append(CultureInfo.InvariantCulture, $"\n  v{s.Index} = {s.Expr}  : {d}{S(s.Shape)}");
        var last = $"v{Steps[^1].Index}";
        var terms = new[] { ReduceToScalar ? $"sum({last})" : last }.Concat(Sinks.Select(k => $"sum(v{k})"));
        sb.Append(CultureInfo.InvariantCulture, $"\n  return {string.Join(" + ", terms)}  : {d}{S(OutputShape)}    (sum = reduce_sum over all axes)");
        return sb.ToString();
    }
}
