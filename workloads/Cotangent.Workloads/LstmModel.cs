using static Cotangent.Np;

namespace Cotangent.Workloads;

/// <summary>ADBench's "diagonal" LSTM loss (reference notes §6.2) and its gradient by <see cref="Ad.Grad{T}(Func{T, Tensor})"/>.</summary>
public static class LstmModel
{
    /// <summary>The loss −(1 / ((c−1) b)) Σ_t Σ_e seq_{t+1}[e] (ŷ_e − log(Σ exp ŷ + 2)), starting every call from the instance's state.</summary>
    public static Tensor Objective(LstmParameters p, LstmInstance instance)
    {
        int layers = instance.Layers, c = instance.CharCount, b = instance.Bits;
        var (inWeight, outWeight, outBias) = (p.Extra[0], p.Extra[1], p.Extra[2]);
        var weights = new Tensor[layers][];
        var biases = new Tensor[layers][];
        var hidden = new Tensor[layers];
        var cell = new Tensor[layers];
        for (int k = 0; k < layers; k++)
        {
            weights[k] = [p.Main[k, 0, 0], p.Main[k, 0, 1], p.Main[k, 0, 2], p.Main[k, 0, 3]];
            biases[k] = [p.Main[k, 1, 0], p.Main[k, 1, 1], p.Main[k, 1, 2], p.Main[k, 1, 3]];
            hidden[k] = instance.State[k, 0];
            cell[k] = instance.State[k, 1];
        }
        var sequence = instance.Sequence;

        Tensor total = 0.0;
        for (int t = 0; t < c - 1; t++)
        {
            var x = sequence[t] * inWeight;
            for (int k = 0; k < layers; k++)
            {
                var (w, bias, h) = (weights[k], biases[k], hidden[k]);
                var forget = Sigmoid(x * w[0] + bias[0]);         // gates f and o read the input,
                var input = Sigmoid(h * w[1] + bias[1]);          // i and the candidate g the previous hidden
                var output = Sigmoid(x * w[2] + bias[2]);
                var candidate = Tanh(h * w[3] + bias[3]);
                cell[k] = cell[k] * forget + input * candidate;
                hidden[k] = output * Tanh(cell[k]);
                x = hidden[k];
            }
            var yHat = x * outWeight + outBias;
            var lse = Log(Sum(Exp(yHat)) + 2);                    // ADBench's "+2", no max shift
            total += Sum(sequence[t + 1] * (yHat - lse));
        }
        return -total / ((c - 1) * b);
    }

    /// <summary>∇loss over (main, extra), by reverse mode.</summary>
    public static LstmParameters Gradient(LstmInstance instance) =>
        Ad.Grad<LstmParameters>(p => Objective(p, instance))(instance.Parameters);
}
