using Cotangent.Compile;
using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent.Tests.Jit;

/// <summary>
/// Ad.Jit: generated loops give the eager kernels' bits at every size (including the vector remainder and the
/// two-thread split), 0-d programs compile to straight-line code with the same bits, signatures cache and recompile
/// as documented, every composition with the AD transformations agrees with eager, and a compiled call allocates
/// little more than its outputs.
/// </summary>
public class JitTests
{
    // Below one vector, one vector, odd remainders, past the pool's threshold, and past the two-thread split.
    private static readonly int[] s_sizes = [1, 3, 4, 5, 7, 8, 9, 63, 4097, 70_001];

    public static TheoryData<int> Sizes() => new(s_sizes);

    private static Tensor Values(int n, DType dtype, double lo = 0.05, double hi = 0.95) => Np.Linspace(lo, hi, n, dtype: dtype);

    private static readonly (string Name, Func<Tensor, Tensor> F)[] s_unary =
    [
        ("neg", Lax.Neg), ("exp", Lax.Exp), ("log", Lax.Log), ("log1p", Lax.Log1p), ("expm1", Lax.Expm1), ("sin", Lax.Sin), ("cos", Lax.Cos),
        ("tan", Lax.Tan), ("asin", Lax.Asin), ("acos", Lax.Acos), ("atan", Lax.Atan), ("sinh", Lax.Sinh), ("cosh", Lax.Cosh), ("tanh", Lax.Tanh),
        ("logistic", Lax.Logistic), ("rsqrt", Lax.Rsqrt), ("erf", Lax.Erf), ("erfc", Lax.Erfc), ("exp2", Lax.Exp2), ("log2", Lax.Log2), ("log10", Lax.Log10),
    ];

    public static TheoryData<string, DType> UnaryCases()
    {
        var data = new TheoryData<string, DType>();
        foreach (var (name, _) in s_unary) foreach (var d in new[] { DType.Float64, DType.Float32 }) data.Add(name, d);
        return data;
    }

    [Theory]
    [MemberData(nameof(UnaryCases))]
    public void FusedLoop_EveryUnaryFunction_GivesTheEagerBits_AtEverySize(string name, DType dtype)
    {
        var u = s_unary.Single(c => c.Name == name).F;
        // u(x)·x + 1.5 − x: one loop of four operations, a literal and the input read twice.
        Func<Tensor, Tensor> f = x => Lax.Sub(Lax.Add(Lax.Mul(u(x), x), Lax.Scalar(1.5, x)), x);
        var jitted = Ad.Jit(f);
        foreach (int n in s_sizes)
        {
            var x = Values(n, dtype);
            AssertBitwise(f(x), jitted.Invoke(x), $"{name} {dtype} n = {n}");
        }

        Assert.Equal(1, jitted.Lower(Values(9, dtype)).FusedLoops);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void FusedLoop_BinaryOps_ScalarOperands_AndAddAny_GiveTheEagerBits(int n)
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            // Every fusible binary op, a 0-d input broadcast into the loop, and pow/max/min/div.
            Func<(Tensor X, Tensor Y, Tensor S), Tensor> f = a =>
                Lax.Add(Lax.Div(Lax.Max(Lax.Mul(a.X, a.S), a.Y), Lax.Add(a.Y, a.S)), Lax.Min(Lax.Pow(a.X, a.Y), Lax.Sub(a.S, a.X)));
            var args = (Values(n, dtype), Values(n, dtype, 0.3, 1.7), Tensor.Scalar(0.75).AsType(dtype));
            var jitted = Ad.Jit(f);
            AssertBitwise(f(args), jitted.Invoke(args), $"binary {dtype} n = {n}");
            // Gradients bring add_any and broadcasts of 0-d cotangents into the loops.
            var grad = Ad.Grad<Tensor>(x => Np.Sum(Lax.Mul(Lax.Tanh(x), Lax.Exp(Lax.Neg(x)))));
            var gx = Values(n, dtype);
            AssertBitwise(grad(gx), Ad.Jit(Ad.Grad<Tensor>(x => Np.Sum(Lax.Mul(Lax.Tanh(x), Lax.Exp(Lax.Neg(x)))))).Invoke(gx), $"gradient {dtype} n = {n}");
        }
    }

    [Fact]
    public void RowBroadcastOperands_AreFused_WithTheEagerBits()
    {
        // A bias added to every row, and a row of a different rank ([1, p] and [p]), on f64 and f32, at row lengths that
        // are multiples of every vector width and ones that are not (those stay separate kernels), over sizes past the split.
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            foreach (var (rows, p) in new[] { (3, 16), (5, 12), (1000, 64), (7, 10), (300, 256) })
            {
                var x = Np.RandomNormal(1, [rows, p], dtype);
                var b = Np.RandomNormal(2, [p], dtype);
                var c = Np.RandomNormal(3, [1, p], dtype);
                Func<Tensor, Tensor> f = v => Np.Tanh(v + b) * c - b;
                var jitted = Ad.Jit(f);
                AssertBitwise(f(x), jitted.Invoke(x), $"{dtype} [{rows},{p}]");
                var grad = Ad.Grad<Tensor>(v => Np.Sum(Np.Tanh(v + b) * c));
                AssertClose(grad(x).AsType(DType.Float64), Ad.Jit(grad).Invoke(x).AsType(DType.Float64), $"gradient {dtype} [{rows},{p}]");
            }
        }

        var bias = Np.RandomNormal(4, [256]);
        var lowered = Ad.Jit<Tensor, Tensor>(v => Np.Tanh(v + bias) * 2.0).Lower(Np.Zeros(128, 256)).ToString();
        Assert.Contains("fused loop f64[128,256]", lowered, StringComparison.Ordinal);
        Assert.DoesNotContain("kernel: ", lowered, StringComparison.Ordinal);   // the bias add is inside the loop
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void FusedSum_AgreesWithEager_WithinRounding(int n)
    {
        Func<Tensor, Tensor> f = x => Np.Sum(Np.Tanh(x) * x + Np.Exp(-(x * x)));
        var x = Np.Linspace(-3, 3, n);
        var jitted = Ad.Jit(f);
        double expected = f(x).ToDouble(), actual = jitted.Invoke(x).ToDouble();
        Assert.True(Math.Abs(expected - actual) <= 1e-13 * n * Math.Abs(expected), $"n = {n}: {actual:R} vs eager {expected:R}");
        var lowered = jitted.Lower(x).ToString();
        Assert.Contains("reduce_sum] a", lowered, StringComparison.Ordinal);   // the sum is inside the loop
    }

    [Fact]
    public void ScalarRecurrence_CompilesToStraightLineCode_WithTheEagerBits()
    {
        Func<Tensor, Tensor> f = y0 =>
        {
            var y = y0;
            for (int i = 0; i < 1000; i++) y = Np.Sin(y) * 1.01 + 0.1;
            return y;
        };
        var grad = Ad.Grad(f);
        var jitted = Ad.Jit(grad);
        foreach (double y0 in new[] { 0.3, -2.0, 1e-9, 40.0 })
        {
            AssertBitwise(f(y0), Ad.Jit(f).Invoke(y0), $"f({y0})");
            AssertBitwise(grad(y0), jitted.Invoke(y0), $"grad f({y0})");
        }

        var lowered = jitted.Lower(0.3);
        Assert.Equal(0, lowered.Kernels);
        Assert.InRange(lowered.FusedLoops, 2, 20);   // split into blocks the JIT optimizes fully
        Assert.Contains("scalar block", lowered.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ControlFlow_RunsCompiledSubPrograms_WithTheEagerBits()
    {
        // A scan of 2,000 steps (its reverse-mode form is a scan too), a while loop and a cond, under Jit and eager.
        Func<Tensor, Tensor> scanned = x => Lax.Scan((c, xi) => ([Np.Sin(c[0]) * 1.01 + xi[0]], [Np.Cos(c[0]) * xi[0]]), [Np.Sum(x)], [x]).Ys[0];
        Func<Tensor, Tensor> looped = x => Lax.WhileLoop(c => Np.Sum(c[0]) < 50.0, c => [c[0] * 1.5 + Np.Tanh(c[0])], x)[0];
        Func<Tensor, Tensor> branched = x => Lax.Cond(Np.Sum(x) > 0.0, o => [Np.Exp(o[0]) * o[0]], o => [Np.Sin(o[0]) - o[0]], x)[0];
        var x = Np.Linspace(-0.2, 0.3, 2000) * 0.01;
        foreach (var (name, f) in new[] { ("scan", scanned), ("while", looped), ("cond", branched) })
        {
            var jitted = Ad.Jit(f);
            AssertBitwise(f(x), jitted.Invoke(x), name);
            AssertBitwise(f(-x), jitted.Invoke(-x), name + " at −x");
            Assert.Contains("each sub-program compiled", jitted.Lower(x).ToString(), StringComparison.Ordinal);
        }

        var grad = Ad.Grad<Tensor>(v => Np.Sum(scanned(v)));
        AssertClose(grad(x), Ad.Jit(grad).Invoke(x), "Jit(Grad(scan))");
    }

    [Fact]
    public void Cache_OneCompilePerSignature_AndTheLogSaysWhichLeafChanged()
    {
        var log = new List<string>();
        var jitted = Ad.Jit<Tensor, Tensor>(x => Np.Sum(Np.Sin(x) * x), new JitOptions { Name = "probe", Log = log.Add });
        for (int i = 0; i < 3; i++) jitted.Invoke(Np.Linspace(0, 1, 3));
        Assert.Equal(1, jitted.CompileCount);
        jitted.Invoke(Np.Linspace(0, 1, 4));
        jitted.Invoke(Np.Linspace(0, 1, 4, dtype: DType.Float32));
        jitted.Invoke(Np.Linspace(0, 1, 3));
        Assert.Equal(3, jitted.CompileCount);
        Assert.Equal(3, jitted.CacheSize);
        Assert.Equal(3, log.Count);
        Assert.Contains("first call", log[0], StringComparison.Ordinal);
        Assert.Contains("leaf 0 was f64[3], now f64[4]", log[1], StringComparison.Ordinal);
        Assert.Contains("now f32[4]", log[2], StringComparison.Ordinal);
        Assert.All(log, line => Assert.StartsWith("Jit probe: compiling", line, StringComparison.Ordinal));
    }

    private sealed record Scaled(Tensor X, int Power, string Label);

    [Fact]
    public void Cache_RecompilesWhenAStaticValueChanges()
    {
        var log = new List<string>();
        var jitted = Ad.Jit<Scaled, Tensor>(s => Np.Sum(Np.Power(s.X, s.Power)), new JitOptions { Log = log.Add });
        var x = Np.Array(1.0, 2.0, 3.0);
        Assert.Equal(14.0, jitted.Invoke(new Scaled(x, 2, "a")).ToDouble(), 12);
        Assert.Equal(14.0, jitted.Invoke(new Scaled(x * 1.0, 2, "a")).ToDouble(), 12);
        Assert.Equal(1, jitted.CompileCount);
        Assert.Equal(36.0, jitted.Invoke(new Scaled(x, 3, "a")).ToDouble(), 12);   // a new static value: traced again
        Assert.Equal(2, jitted.CompileCount);
        Assert.Contains("static value", log[1], StringComparison.Ordinal);
    }

    [Fact]
    public void ConcurrentFirstCalls_CompileOnce_AndAgree()
    {
        var jitted = Ad.Jit<Tensor, Tensor>(x => Np.Tanh(x) * Np.Exp(x));
        var x = Np.Linspace(-1, 1, 50_000);
        var expected = Np.Tanh(x) * Np.Exp(x);
        var results = new Tensor[8];
        Parallel.For(0, results.Length, i => results[i] = jitted.Invoke(x));
        Assert.Equal(1, jitted.CompileCount);
        foreach (var r in results) AssertBitwise(expected, r, "concurrent call");
    }

    private sealed record Mlp(Tensor W1, Tensor B1, Tensor W2, Tensor B2);

    private static Tensor Loss(Mlp p, Tensor x, Tensor y) =>
        Np.Mean(Np.Square(Np.MatMul(Np.Tanh(Np.MatMul(x, p.W1) + p.B1), p.W2) + p.B2 - y));

    [Fact]
    public void Compositions_AgreeWithEager()
    {
        var x = Np.RandomNormal(1, [64, 5]);
        var y = Np.RandomNormal(2, [64, 1]);
        var p = new Mlp(Np.RandomNormal(3, [5, 32]) * 0.4, Np.Zeros(32), Np.RandomNormal(4, [32, 1]) * 0.4, Np.Zeros(1));
        Func<Mlp, Tensor> loss = q => Loss(q, x, y);
        var jitted = Ad.Jit(loss);
        var expected = Ad.Grad(loss)(p);

        AssertTreeClose(expected, Ad.Jit(Ad.Grad(loss)).Invoke(p), "Jit(Grad(f))");
        AssertTreeClose(expected, Ad.Grad(jitted.AsFunc())(p), "Grad(Jit(f))");
        AssertTreeClose(expected, Ad.Grad(Ad.Jit(Ad.Jit(loss).AsFunc()).AsFunc())(p), "Grad(Jit(Jit(f)))");
        var (_, pullback) = Ad.Vjp(jitted.AsFunc(), p);
        AssertTreeClose(expected, pullback(Tensor.Scalar(1.0)), "Vjp(Jit(f))");
        var (_, tangent) = Ad.Jvp(jitted.AsFunc(), p, expected);
        Assert.Equal(Tree.Dot(expected, expected).ToDouble(), tangent.ToDouble(), 10);

        // Second order through the compiled program: Hessian-vector products agree with eager.
        Func<Tensor, Tensor> g = v => Np.Sum(Np.Sin(v) * v * v);
        var v0 = Np.Linspace(-1, 1, 7);
        var h = Ad.Hessian(g)(v0);
        AssertClose(h, Ad.Hessian(Ad.Jit(g).AsFunc())(v0), "Hessian(Jit(f))");
        AssertClose(h, Ad.Jit(Ad.Hessian(g)).Invoke(v0), "Jit(Hessian(f))");
    }

    [Fact]
    public void GradOfJit_CompilesItsDerivedPrograms_OnlyOnce()
    {
        Func<Tensor, Tensor> f = v => Np.Sum(Np.Tanh(v) * v);
        var grad = Ad.Grad(Ad.Jit(f).AsFunc());
        var x = Np.Linspace(-1, 1, 100);
        grad(x);
        long before = Executable.Compilations;
        for (int i = 0; i < 3; i++) grad(x);
        Assert.Equal(before, Executable.Compilations);
    }

    [Fact]
    public void ClosingOverADifferentiatedValue_IsDifferentiated()
    {
        // The compiled function captures w, a tracer of the enclosing Grad: w becomes an input of the compiled call.
        var c = Np.Array(1.0, -2.0, 0.5);
        var grad = Ad.Grad<Tensor>(w => Ad.Jit<Tensor, Tensor>(x => Np.Sum(x * Np.Sin(w))).Invoke(c));
        var w0 = Np.Array(0.1, 0.2, 0.3);
        AssertClose(c * Np.Cos(w0), grad(w0), "d/dw Σ c·sin w");
    }

    [Fact]
    public void Lower_PrintsTheOptimizedProgram_ThePasses_AndTheLoops()
    {
        var jitted = Ad.Jit<Tensor, Tensor>(x => Np.Sum(Np.Tanh(x) * x * 1.0 + Np.Exp(-(-(-x)))), new JitOptions { Name = "demo" });
        var lowered = jitted.Lower(Np.Zeros(16));
        var text = lowered.ToString();
        Assert.Contains("lambda", text, StringComparison.Ordinal);
        Assert.Contains("fused loop f64[16]", text, StringComparison.Ordinal);
        Assert.Contains("Simplify", text, StringComparison.Ordinal);
        // x·1 and the double negation are gone; the traced program still has them.
        Assert.True(lowered.Optimized.Equations.Count < lowered.Traced.Equations.Count);
        Assert.DoesNotContain(lowered.Optimized.Equations, e => e.Primitive.Name == "neg" && e.Inputs[0] is Cotangent.Core.Var v
            && lowered.Optimized.Equations.Any(d => d.Outputs.Contains(v) && d.Primitive.Name == "neg"));
        Assert.Equal(1, lowered.FusedLoops);
    }

    [Fact]
    public void StagedCalls_PrintAndParseBack()
    {
        var jitted = Ad.Jit<Tensor, Tensor>(x => Np.Sin(x) * x, new JitOptions { Name = "inner" });
        var program = Ad.MakeProgram<Tensor, Tensor>(x => jitted.Invoke(x) + 1.0, Np.Zeros(3));
        var text = program.ToString();
        Assert.Contains("jit_call[name=inner", text, StringComparison.Ordinal);
        var parsed = Ad.ParseProgram(text, [.. Cotangent.Core.ProgramParser.ConstantsOf(program)]);
        Assert.Equal(text, parsed.ToString());
        var x = Np.Linspace(0, 1, 3);
        AssertBitwise(program.Evaluate(x)[0], parsed.Evaluate(x)[0], "parsed program");
    }

    [Fact]
    public void CompiledCall_AllocatesLittleMoreThanItsOutput()
    {
        // A non-fusible step (cumsum) between two loops makes large intermediates; they go back to the pool when dead.
        var jitted = Ad.Jit<Tensor, Tensor>(x => Np.Tanh(Np.CumSum(Np.Exp(x) * x, 0)) * 2.0);
        var x = Np.Linspace(-1, 1, 200_000);
        var expected = Np.Tanh(Np.CumSum(Np.Exp(x) * x, 0)) * 2.0;
        for (int i = 0; i < 3; i++) AssertBitwise(expected, jitted.Invoke(x), "warm-up");
        // The pool is shared with tests running in parallel, which may fill it to its bound with buffers of other sizes
        // (a returned buffer is then dropped): it is emptied before each attempt, and the least of a few calls is measured.
        // With the recycling broken every call allocates three outputs' worth.
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            BufferPool.Clear();
            jitted.Invoke(x);   // intermediates go back to the emptied pool
            long before = GC.GetAllocatedBytesForCurrentThread();
            var result = jitted.Invoke(x);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
            AssertBitwise(expected, result, "measured call");
        }

        long output = 200_000L * sizeof(double);
        Assert.True(least <= output + 64 * 1024, $"a call allocated at least {least:N0} bytes; its output is {output:N0}");
    }

    [Fact]
    public void ReadmeExample_Runs()
    {
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        try
        {
            // The README's lines, verbatim:
            var f = Ad.Jit<Tensor, Tensor>(x => Np.Sum(Np.Tanh(x) * x + Np.Exp(-(x * x))));
            Tensor y = f.Invoke(Np.Linspace(-3, 3, 1_000_000));       // traced and compiled on the first call, then cached
            Console.WriteLine(f.Lower(Np.Zeros(8)));                   // the optimized program, the passes, the fused loop

            // Both ways round: the whole forward and backward pass compiled, or the compiled function differentiated
            // (its JVP, split and transposed programs are compiled once and cached, like the function itself).
            var step = Ad.Jit(Ad.ValueAndGrad<Tensor>(x => Np.Sum(Np.Tanh(x) * x)));
            Tensor g = Ad.Grad<Tensor>(f.AsFunc())(Np.Linspace(-3, 3, 10));

            // Why did it compile again? One line per compilation, naming the leaf that changed.
            var logged = Ad.Jit<Tensor, Tensor>(x => Np.Sin(x) * 2.0, new JitOptions { Log = Console.WriteLine });
            logged.Invoke(Np.Zeros(3));
            logged.Invoke(Np.Zeros(4));   // "Jit f: compiling for (f64[4]): leaf 0 was f64[3], now f64[4]."

            var x0 = Np.Linspace(-3, 3, 1_000_000);
            Assert.Equal(Np.Sum(Np.Tanh(x0) * x0 + Np.Exp(-(x0 * x0))).ToDouble(), y.ToDouble(), 6);
            var xs = Np.Linspace(-3, 3, 10);
            AssertClose(Ad.Grad<Tensor>(x => Np.Sum(Np.Tanh(x) * x + Np.Exp(-(x * x))))(xs), g, "README gradient");
            AssertClose(Ad.Grad<Tensor>(x => Np.Sum(Np.Tanh(x) * x))(xs), step.Invoke(xs).Grad, "README value and gradient");
        }
        finally
        {
            Console.SetOut(previous);
        }

        var text = output.ToString();
        Assert.Contains("fused loop f64[8]", text, StringComparison.Ordinal);
        Assert.Contains("Jit f: compiling for (f64[4]): leaf 0 was f64[3], now f64[4].", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_AreTyped()
    {
        Assert.Throws<ArgumentNullException>(() => Ad.Jit<Tensor, Tensor>(null!));
        var jitted = Ad.Jit<Tensor, Tensor>(x => x * 2.0);
        Assert.Throws<ArgumentNullException>(() => jitted.Invoke(null!));
        Assert.Throws<ArgumentNullException>(() => jitted.Lower(null!));
        // Shape errors surface at tracing, as eagerly.
        var bad = Ad.Jit<Tensor, Tensor>(x => x + Np.Zeros(5));
        Assert.Throws<ShapeException>(() => bad.Invoke(Np.Zeros(3)));
    }

    private static void AssertBitwise(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Aval, actual.Aval);
        var e = expected.AsType(DType.Float64).ToArray<double>();
        var a = actual.AsType(DType.Float64).ToArray<double>();
        for (int i = 0; i < e.Length; i++)
        {
            bool same = BitConverter.DoubleToInt64Bits(e[i]) == BitConverter.DoubleToInt64Bits(a[i]) || (double.IsNaN(e[i]) && double.IsNaN(a[i]));
            Assert.True(same, $"{what}: element {i} is {a[i]:R}, eager {e[i]:R}");
        }
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Aval, actual.Aval);
        var e = expected.ToArray<double>();
        var a = actual.ToArray<double>();
        double scale = e.Max(Math.Abs) + 1e-300;
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - a[i]) <= 1e-12 * scale, $"{what}: element {i} is {a[i]:R}, eager {e[i]:R}");
    }

    private static void AssertTreeClose(Mlp expected, Mlp actual, string what)
    {
        AssertClose(expected.W1, actual.W1, what + " W1");
        AssertClose(expected.B1, actual.B1, what + " B1");
        AssertClose(expected.W2, actual.W2, what + " W2");
        AssertClose(expected.B2, actual.B2, what + " B2");
    }
}
