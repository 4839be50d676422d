using System.Runtime.Intrinsics;

namespace Cotangent.Runtime.Tests;

/// <summary>
/// The native Vector512 forms of exp and tanh (f64 and f32) against their Vector256 forms, bit for bit, over inputs
/// spread across the whole bit space (every sign, exponent and special value) and dense over the ranges where the
/// functions vary: a kernel's result must not depend on the vector width the machine picks. The 512-bit code runs
/// here whether or not the machine accelerates it (software fallback), so the check holds on every CI level.
/// </summary>
public class WideMathTests
{
    [Fact]
    public void Float_Vector512Forms_GiveTheBitsOfTheVector256Forms_AcrossTheBitSpace()
    {
        var lanes = new float[16];
        // A stride prime to 2³² visits every exponent and sign with varied mantissas: 17.1 M inputs per function.
        const uint stride = 251;
        for (ulong bits = 0; bits <= uint.MaxValue; bits += stride * 16)
        {
            for (int j = 0; j < 16; j++) lanes[j] = BitConverter.UInt32BitsToSingle((uint)(bits + ((ulong)j * stride)));
            var x = Vector512.Create(lanes);
            Check(WideFloatOperator<TanhFloat>.Invoke(x), FloatOperator<TanhFloat>.Invoke(x), "tanh", x);
            Check(WideFloatOperator<ExpFloat>.Invoke(x), FloatOperator<ExpFloat>.Invoke(x), "exp", x);
        }

        static void Check(Vector512<float> wide, Vector512<float> halves, string name, Vector512<float> x)
        {
            if (wide.AsUInt32() == halves.AsUInt32()) return;
            for (int j = 0; j < 16; j++)
                Assert.True(BitConverter.SingleToUInt32Bits(wide[j]) == BitConverter.SingleToUInt32Bits(halves[j]), $"{name}({x[j]:R}): {wide[j]:R} at 512 bits, {halves[j]:R} at 256");
        }
    }

    [Fact]
    public void Double_Vector512Forms_GiveTheBitsOfTheVector256Forms()
    {
        var rng = new Random(512);
        var lanes = new double[8];
        double[] special = [0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, double.Epsilon, -double.Epsilon,
            double.MaxValue, double.MinValue, 709.78, 709.79, -745.1, -745.2, 22.0, -22.0, 1e-300, 2.2250738585072014E-308];
        for (int i = 0; i < 400_000; i++)
        {
            for (int j = 0; j < 8; j++)
            {
                lanes[j] = (i % 4) switch
                {
                    0 => BitConverter.Int64BitsToDouble(rng.NextInt64(long.MinValue, long.MaxValue)), // anywhere in the bit space
                    1 => (rng.NextDouble() - 0.5) * 1600,                                                // exp's whole finite range
                    2 => (rng.NextDouble() - 0.5) * 50,                                                  // tanh's varying range
                    _ => special[rng.Next(special.Length)] * (rng.Next(2) == 0 ? 1 : 1 + (rng.NextDouble() * 1e-12)),
                };
            }

            var x = Vector512.Create(lanes);
            Check(WideDoubleOperator<TanhFunction>.Invoke(x), ViaDoubleOperator<double, TanhFunction>.Invoke(x), "tanh", x);
            Check(WideDoubleOperator<ExpFunction>.Invoke(x), ViaDoubleOperator<double, ExpFunction>.Invoke(x), "exp", x);
        }

        static void Check(Vector512<double> wide, Vector512<double> halves, string name, Vector512<double> x)
        {
            if (wide.AsUInt64() == halves.AsUInt64()) return;
            for (int j = 0; j < 8; j++)
                Assert.True(BitConverter.DoubleToInt64Bits(wide[j]) == BitConverter.DoubleToInt64Bits(halves[j]), $"{name}({x[j]:R}): {wide[j]:R} at 512 bits, {halves[j]:R} at 256");
        }
    }

    [Theory]
    [InlineData(UnaryOp.Exp)]
    [InlineData(UnaryOp.Tanh)]
    public void Kernels_OnLargeArrays_MatchTheScalarForm(UnaryOp op)
    {
        // 300,007 elements: split over two threads, Vector512 body (where accelerated) and an overlapping tail.
        var rng = new Random((int)op);
        var d = new double[300_007];
        for (int i = 0; i < d.Length; i++) d[i] = (rng.NextDouble() - 0.5) * 60;
        var f = d.Select(v => (float)v).ToArray();
        var yd = (double[])Kernels.Unary(op, NDArray.Wrap(DType.Float64, Shape.Of(d.Length), d)).Data;
        var yf = (float[])Kernels.Unary(op, NDArray.Wrap(DType.Float32, Shape.Of(f.Length), f)).Data;
        for (int i = 0; i < d.Length; i++)
        {
            double ed = op == UnaryOp.Exp ? ExpFunction.Invoke(d[i]) : TanhFunction.Invoke(d[i]);
            float ef = op == UnaryOp.Exp ? WideFloatOperator<ExpFloat>.Invoke(f[i]) : WideFloatOperator<TanhFloat>.Invoke(f[i]);
            if (BitConverter.DoubleToInt64Bits(ed) != BitConverter.DoubleToInt64Bits(yd[i])) Assert.Fail($"{op} f64 ({d[i]:R}) at {i}: {yd[i]:R}, scalar {ed:R}");
            if (BitConverter.SingleToUInt32Bits(ef) != BitConverter.SingleToUInt32Bits(yf[i])) Assert.Fail($"{op} f32 ({f[i]:R}) at {i}: {yf[i]:R}, scalar {ef:R}");
        }
    }
}
