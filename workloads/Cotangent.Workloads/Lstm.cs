namespace Cotangent.Workloads;

/// <summary>
/// The LSTM parameters ADBench differentiates. <see cref="Main"/> is (l, 2, 4, b): for layer k, [k, 0] holds the
/// weights of the gates (f, i, o, c) and [k, 1] their biases. <see cref="Extra"/> is (3, b): in_weight, out_weight, out_bias.
/// </summary>
public sealed record LstmParameters(Tensor Main, Tensor Extra)
{
    /// <summary>The parameters flattened in ADBench's gradient order: main (8lb), then extra (3b).</summary>
    public double[] ToFlat() => [.. Main.ToArray<double>(), .. Extra.ToArray<double>()];
}

/// <summary>An LSTM instance: l layers, c characters of b bits, the parameters, the initial state (l, 2, b: h then s) and the sequence (c, b).</summary>
public sealed record LstmInstance(int Layers, int CharCount, int Bits, LstmParameters Parameters, Tensor State, Tensor Sequence)
{
    /// <summary>Reads an ADBench LSTM file (<c>l c b</c>, main params, extra params, state, sequence).</summary>
    public static LstmInstance Load(string path)
    {
        var r = new TokenReader(path);
        int l = r.NextInt(), c = r.NextInt(), b = r.NextInt();
        var main = Tensor.FromArray(r.NextDoubles(8 * l * b), l, 2, 4, b);
        var extra = Tensor.FromArray(r.NextDoubles(3 * b), 3, b);
        var state = Tensor.FromArray(r.NextDoubles(2 * l * b), l, 2, b);
        var sequence = Tensor.FromArray(r.NextDoubles(c * b), c, b);
        return new LstmInstance(l, c, b, new LstmParameters(main, extra), state, sequence);
    }
}
