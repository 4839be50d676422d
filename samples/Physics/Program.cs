// Physics: a chain of masses joined by springs between two walls.
//   1. Normal modes: the Hessian of the potential energy at rest (Ad.Hessian), divided by the mass, has the squared
//      angular frequencies as eigenvalues (Np.Linalg.Eigh); they are compared with the analytic ωⱼ = 2√(k/m)·sin(jπ/2(N+1)).
//   2. A parameter fit: the spring constant and the damping are recovered from a noisy observed trajectory by
//      differentiating through the simulation itself, a plain C# for-loop of integrator steps, with Adam.
// Exits non-zero if the frequencies or mode shapes disagree with the analytic ones, or the fit misses the true values.
using System.Diagnostics;
using Cotangent;
using static Cotangent.Np;

const int N = 5;                        // moving masses; N + 1 springs, the outer two fixed to the walls
const double Mass = 1.0, Beta = 0.5;    // Beta: the quartic (anharmonic, Fermi–Pasta–Ulam–Tsingou β) stiffness
var clock = Stopwatch.StartNew();
var failures = new List<string>();

// The springs' extensions, walls included: u₁ − 0, u₂ − u₁, …, 0 − u_N.
static Tensor Extensions(Tensor u) => Concatenate([u, Zeros(1)]) - Concatenate([Zeros(1), u]);

// Potential energy: a harmonic spring ½kΔ² plus a quartic ¼βΔ⁴ per spring. The quartic term is invisible at rest
// (its second derivative at Δ = 0 is zero), so the modes of small oscillations are the harmonic ones.
static Tensor Potential(Tensor u, Tensor k)
{
    var d = Extensions(u);
    return Sum(0.5 * k * d * d + 0.25 * Beta * d * d * d * d);
}

Console.WriteLine($"== 1. Normal modes of {N} masses, k = 2, m = {Mass}, from the Hessian of the potential ==");
Tensor k0 = 2.0;
var stiffness = Ad.Hessian(u => Potential(u, k0))(Zeros(N));  // ∂²V/∂u² at rest: k · tridiag(−1, 2, −1)
var (squaredFrequencies, modes) = Np.Linalg.Eigh(stiffness / Mass);
var omega = Sqrt(squaredFrequencies).ToArray<double>();
double worstFrequency = 0, worstShape = 0;
var modeColumns = modes.ToArray<double>();
Console.WriteLine("  j      ω (Hessian)     ω (analytic)    |cos ∠(mode, analytic)|");
for (int j = 1; j <= N; j++)
{
    var analytic = 2 * Math.Sqrt(k0.ToDouble() / Mass) * Math.Sin(j * Math.PI / (2 * (N + 1)));
    // The analytic mode shape is sin(i·j·π/(N+1)) along the chain; Eigh returns unit columns in ascending order.
    var shape = Enumerable.Range(1, N).Select(i => Math.Sin(i * j * Math.PI / (N + 1))).ToArray();
    var shapeNorm = Math.Sqrt(shape.Sum(s => s * s));
    var cosine = Math.Abs(Enumerable.Range(0, N).Sum(i => modeColumns[(i * N) + j - 1] * shape[i]) / shapeNorm);
    Console.WriteLine($"  {j}   {omega[j - 1],14:F10}   {analytic,14:F10}   {cosine,14:F12}");
    worstFrequency = Math.Max(worstFrequency, Math.Abs(omega[j - 1] - analytic));
    worstShape = Math.Max(worstShape, 1 - cosine);
}

if (worstFrequency > 1e-10) failures.Add($"a frequency differs from the analytic one by {worstFrequency:0.0e+00}");
if (worstShape > 1e-10) failures.Add($"a mode shape differs from the analytic one (1 − |cos| = {worstShape:0.0e+00})");

Console.WriteLine();
Console.WriteLine("== 2. Fitting the spring constant and damping through a simulation ==");
const int Steps = 120, FitIterations = 120;
const double Dt = 0.05, TrueK = 2.5, TrueDamping = 0.3, NoiseStd = 0.01;

// Semi-implicit Euler: forces from the energy's gradient (a Grad inside the function being differentiated), linear
// damping −c·v, and the positions recorded at every step. Everything is an ordinary C# loop over tensors.
static Tensor Simulate(Tensor k, Tensor damping)
{
    var force = Ad.Grad<Tensor, Tensor>(Potential);
    var u = Tensor.FromArray([0.6, 0, 0, 0, -0.3]);
    var v = Zeros(N);
    var positions = new Tensor[Steps];
    for (int t = 0; t < Steps; t++)
    {
        var acceleration = (-force(u, k) - damping * v) / Mass;
        v = v + Dt * acceleration;
        u = u + Dt * v;
        positions[t] = u;
    }

    return Stack(positions);                                      // [Steps, N]
}

// The "measurement": the true system's trajectory with seeded Gaussian noise.
var observed = Simulate(TrueK, TrueDamping) + RandomNormal(11, [Steps, N], 0, NoiseStd);

// Fit log k and log c, so both stay positive and the two parameters have comparable scales.
Tensor Misfit(Tensor logParameters)
{
    var predicted = Simulate(Exp(logParameters[0]), Exp(logParameters[1]));
    return Mean(Square(predicted - observed));
}

var parameters = Log(Tensor.FromArray([1.8, 0.1]));               // a guess: k 28% low, damping a third of the truth
var optimizer = Optim.Adam(Schedule.CosineDecay(0.05, FitIterations));
var state = optimizer.Init(parameters);
var valueAndGrad = Ad.ValueAndGrad<Tensor>(Misfit);
Console.WriteLine($"  start: k = {Exp(parameters[0]).ToDouble():F4}, c = {Exp(parameters[1]).ToDouble():F4}, misfit = {Misfit(parameters).ToDouble():0.000e+00}");
for (int iter = 1; iter <= FitIterations; iter++)
{
    var (misfit, g) = valueAndGrad(parameters);
    (var updates, state) = optimizer.Update(g, state, parameters);
    parameters = Optim.ApplyUpdates(parameters, updates);
    if (iter % 20 == 0)
        Console.WriteLine($"  step {iter,3}: k = {Exp(parameters[0]).ToDouble():F4}, c = {Exp(parameters[1]).ToDouble():F4}, misfit = {misfit.ToDouble():0.000e+00}");
}

var (fitK, fitC) = (Exp(parameters[0]).ToDouble(), Exp(parameters[1]).ToDouble());
Console.WriteLine($"  fitted k = {fitK:F4} (true {TrueK}), c = {fitC:F4} (true {TrueDamping}); misfit {Misfit(parameters).ToDouble():0.000e+00} vs noise variance {NoiseStd * NoiseStd:0.000e+00}");
if (Math.Abs(fitK - TrueK) / TrueK > 0.02) failures.Add($"fitted k = {fitK:F4} is more than 2% from {TrueK}");
if (Math.Abs(fitC - TrueDamping) / TrueDamping > 0.05) failures.Add($"fitted c = {fitC:F4} is more than 5% from {TrueDamping}");

Console.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s");
foreach (var failure in failures) Console.Error.WriteLine($"FAILED: {failure}");
return failures.Count == 0 ? 0 : 1;
