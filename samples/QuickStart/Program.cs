// Cotangent QuickStart: tensors, a traced program, and reverse mode built the paper's way —
// JVP, then partial evaluation into a linear program, then transposition of that program.
using Cotangent;
using static Cotangent.Np;

Console.WriteLine("== 1. Tensors ==");
var x = Tensor.FromArray([0.5, 1.0, 2.0]);
var m = Tensor.FromArray([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 2, 3);
Console.WriteLine($"x = {x}");
Console.WriteLine($"m = {m}");
Console.WriteLine($"m · x = {MatMul(m, x)}");
Console.WriteLine($"exp(x) * 2 + 1 = {Exp(x) * 2 + 1}");

Console.WriteLine();
Console.WriteLine("== 2. f(x) = sin(x) · x, one stage at a time ==");
Func<Tensor, Tensor> f = v => Sin(v) * v;
Console.WriteLine("The program of f (what tracing records):");
Console.WriteLine(Ad.MakeProgram(f, x));
Console.WriteLine("Its JVP program, (x, ẋ) ↦ (f x, J ẋ): every primitive replaced by its JVP rule:");
Console.WriteLine(Ad.MakeProgram<(Tensor, Tensor), (Tensor, Tensor)>(p => Ad.Jvp(f, p.Item1, p.Item2), (x, x)));
var (y, linear) = Ad.Linearize(f, x);
Console.WriteLine("Linearize = JVP + partial evaluation: primal work ran now; only tangent work is staged, reading residuals:");
Console.WriteLine(linear);
Console.WriteLine("Transposing the linear program (equations reversed, fan-out becomes add_any) gives the pullback:");
Console.WriteLine(linear.Transpose());
var grad = Ad.Grad<Tensor>(v => Sum(f(v)))(x);
Console.WriteLine($"f(x) = {y}");
Console.WriteLine($"∇ Σ f(x) = {grad}   (expected cos(x)·x + sin(x))");

Console.WriteLine();
Console.WriteLine("== 3. A two-layer network loss ==");
var inputs = RandomNormal(1, [4, 3]);
var targets = RandomNormal(2, [4, 1]);
var parameters = new Mlp(RandomNormal(3, [3, 5]) * 0.5, Zeros([5]), RandomNormal(4, [5, 1]) * 0.5, Zeros([1]));
Func<Mlp, Tensor> loss = p =>
{
    var hidden = Tanh(MatMul(inputs, p.W1) + p.B1);
    var error = MatMul(hidden, p.W2) + p.B2 - targets;
    return Mean(error * error);
};
Console.WriteLine("The program of the loss:");
Console.WriteLine(Ad.MakeProgram(loss, parameters));
Console.WriteLine("Its JVP program (parameters and their tangents in, loss and its tangent out):");
Console.WriteLine(Ad.MakeProgram<(Mlp, Mlp), (Tensor, Tensor)>(p => Ad.Jvp(loss, p.Item1, p.Item2), (parameters, parameters)));
var (lossValue, lossLinear) = Ad.Linearize(loss, parameters);
Console.WriteLine("The linear program: tanh, its derivative and the activations ran now and are residuals:");
Console.WriteLine(ProgramText(lossLinear.Program));
Console.WriteLine("The transposed program: the backward pass, every matmul transposed by its rule:");
Console.WriteLine(ProgramText(lossLinear.Transpose().Program));
var (value, g) = Ad.ValueAndGrad(loss)(parameters);
Console.WriteLine($"loss = {value}");
Console.WriteLine($"∂loss/∂B2 = {g.B2}");
Console.WriteLine($"∂loss/∂W1 =\n{g.W1}");
for (int step = 0; step < 50; step++)
{
    var gs = Ad.Grad(loss)(parameters);
    parameters = new Mlp(parameters.W1 - (gs.W1 * 0.1), parameters.B1 - (gs.B1 * 0.1), parameters.W2 - (gs.W2 * 0.1), parameters.B2 - (gs.B2 * 0.1));
}

Console.WriteLine($"loss after 50 steps of gradient descent = {loss(parameters)}");

static string ProgramText(Cotangent.Core.Program p) => p.ToString();

/// <summary>Parameters of a two-layer network: a record is a tree, and its gradient is the same record type.</summary>
internal sealed record Mlp(Tensor W1, Tensor B1, Tensor W2, Tensor B2);
