using Cotangent.Primitives;
using static Cotangent.Np;

namespace Cotangent.Workloads;

/// <summary>
/// ADBench's "diagonal" LSTM loss (reference notes §6.2) and its gradient by <see cref="Ad.Grad{T}(Func{T, Tensor})"/>,
/// eager or compiled with <see cref="Ad.Jit{TIn, TOut}(Func{TIn, TOut}, JitOptions?)"/>.
/// </summary>
public static class LstmModel
{
    /// <summary>
    /// The loss −(1 / ((c−1) b)) Σ_t Σ_e seq_{t+1}[e] (ŷ_e − log(Σ exp ŷ + 2)), starting every call from the instance's state.
    /// The loop over characters is a <see cref="Lax.Scan"/> (JAX's <c>lax.scan</c>): one step, traced once, carries each
    /// layer's (hidden, cell) and the running sum and reads (seq_t, seq_{t+1}); the layers are unrolled inside it.
    /// </summary>
    public static Tensor Objective(LstmParameters p, LstmInstance instance)
    {
        int layers = instance.Layers, c = instance.CharCount, b = instance.Bits;
        var (inWeight, outWeight, outBias) = (p.Extra[0], p.Extra[1], p.Extra[2]);
        var weights = new Tensor[layers][];
        var biases = new Tensor[layers][];
        var state = new Tensor[2 * layers + 1];              // (hidden_k, cell_k) per layer, then the running sum
        for (int k = 0; k < layers; k++)
        {
            weights[k] = [p.Main[k, 0, 0], p.Main[k, 0, 1], p.Main[k, 0, 2], p.Main[k, 0, 3]];
            biases[k] = [p.Main[k, 1, 0], p.Main[k, 1, 1], p.Main[k, 1, 2], p.Main[k, 1, 3]];
            (state[2 * k], state[2 * k + 1]) = (instance.State[k, 0], instance.State[k, 1]);
        }
        state[2 * layers] = 0.0;

        (Tensor[], Tensor[]) Step(Tensor[] carry, Tensor[] chars)
        {
            var next = new Tensor[carry.Length];
            var x = chars[0] * inWeight;                      // seq_t
            for (int k = 0; k < layers; k++)
            {
                var (w, bias, hidden, cell) = (weights[k], biases[k], carry[2 * k], carry[2 * k + 1]);
                var forget = Sigmoid(x * w[0] + bias[0]);          // gates f and o read the input,
                var input = Sigmoid(hidden * w[1] + bias[1]);      // i and the candidate g the previous hidden
                var output = Sigmoid(x * w[2] + bias[2]);
                var candidate = Tanh(hidden * w[3] + bias[3]);
                cell = cell * forget + input * candidate;
                hidden = output * Tanh(cell);
                (next[2 * k], next[2 * k + 1]) = (hidden, cell);
                x = hidden;
            }
            var yHat = x * outWeight + outBias;
            var lse = Log(Sum(Exp(yHat)) + 2);                    // ADBench's "+2", no max shift
            next[2 * layers] = carry[2 * layers] + Sum(chars[1] * (yHat - lse));   // seq_{t+1}
            return (next, []);
        }

        var sequence = instance.Sequence;
        var (final, _) = Lax.Scan(Step, state, [sequence[..(c - 1)], sequence[1..]]);
        return -final[2 * layers] / ((c - 1) * b);
    }

    /// <summary>∇loss over (main, extra), by reverse mode.</summary>
    public static LstmParameters Gradient(LstmInstance instance) =>
        Ad.Grad<LstmParameters>(p => Objective(p, instance))(instance.Parameters);

    /// <summary><see cref="Objective"/> compiled with <see cref="Ad.Jit{TIn, TOut}(Func{TIn, TOut}, JitOptions?)"/> for this instance (its state and sequence become constants); call <c>Invoke(parameters)</c>.</summary>
    public static JitFunction<LstmParameters, Tensor> JitObjective(LstmInstance instance) =>
        Ad.Jit<LstmParameters, Tensor>(p => Objective(p, instance));

    /// <summary><c>Jit(Grad(loss))</c>: the forward and backward pass compiled together, for this instance; call <c>Invoke(parameters)</c>.</summary>
    public static JitFunction<LstmParameters, LstmParameters> JitGradient(LstmInstance instance) =>
        Ad.Jit(Ad.Grad<LstmParameters>(p => Objective(p, instance)));
}
