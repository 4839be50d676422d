using Cotangent;
using static Cotangent.Np;

Func<Tensor, Tensor> f = v => Sin(v) * v;
var x = Array(0.5, 1.0, 2.0);

Console.WriteLine(Ad.MakeProgram(f, x));         // the traced program
var (y, linear) = Ad.Linearize(f, x);            // f(x) and the linear map ẋ ↦ J ẋ
Console.WriteLine(linear);                       // the linear program and its residuals
Console.WriteLine(linear.Transpose());           // its transpose: the pullback
var g = Ad.Grad<Tensor>(v => Sum(f(v)))(x);      // cos(x)·x + sin(x)
Console.WriteLine($"f(x) = {y}, ∇Σf = {g}");

// A record of parameters is a tree: its gradient is the same record type.
var inputs = RandomNormal(1, [8, 3]);
var targets = RandomNormal(2, [8, 1]);
var parameters = new Mlp(RandomNormal(3, [3, 16]) * 0.5, Zeros(16), RandomNormal(4, [16, 1]) * 0.5, Zeros(1));
Func<Mlp, Tensor> loss = p => Mean(Square(MatMul(Tanh(MatMul(inputs, p.W1) + p.B1), p.W2) + p.B2 - targets));
Mlp grads = Ad.Grad(loss)(parameters);

// Train it with an optimizer: pure functions over trees, the state a tree too.
var opt = Optim.Adam(0.05);
var state = opt.Init(parameters);
for (int step = 0; step < 200; step++)
{
    (var updates, state) = opt.Update(Ad.Grad(loss)(parameters), state, parameters);
    parameters = Optim.ApplyUpdates(parameters, updates);
}

Console.WriteLine($"‖∇loss‖ at the start = {Tree.Norm(grads)}, loss after 200 Adam steps = {loss(parameters)}");

record Mlp(Tensor W1, Tensor B1, Tensor W2, Tensor B2);
