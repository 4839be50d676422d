// Newton: L2-regularized logistic regression on the Wisconsin breast-cancer data by Newton's method, with the exact
// Hessian from Ad.Hessian (forward over reverse) and the step from Np.Linalg.Solve, beside plain gradient descent.
// Exits non-zero unless Newton converges (‖∇L‖ ≤ 1e-10) within 10 iterations, the AD Hessian matches the closed form
// Xᵀ diag(p(1 − p)) X / n + λI, and gradient descent, given the same iterations, is still far from the optimum.
using System.Diagnostics;
using Cotangent;
using static Cotangent.Np;

const double Lambda = 1e-2, Tolerance = 1e-10;
const int MaxNewtonIterations = 10;
var clock = Stopwatch.StartNew();

// The first line holds counts and class names (569,30,malignant,benign), not one name per column, so it is skipped
// here and the rest is read as a header-less CSV.
using var reader = new StreamReader(Path.Combine(AppContext.BaseDirectory, "data", "breast_cancer.csv"));
reader.ReadLine();
var (table, _) = Csv.Read(reader, hasHeader: false);
var features = table[.., ..^1];
var y = table[.., ^1];                                            // 1 = benign, 0 = malignant
int n = features.Shape[0];
// Standardize each feature, then append a column of ones so the bias is the last weight.
var standardized = (features - Mean(features, 0)) / Std(features, 0);
var x = Concatenate([standardized, Ones(n, 1)], 1);               // [569, 31]
int d = x.Shape[1];

// Mean negative log-likelihood, log(1 + eᶻ) − y·z with z = Xw, plus (λ/2)‖w‖² so the optimum is unique and finite.
Tensor Loss(Tensor w)
{
    var z = MatMul(x, w);
    return Mean(Softplus(z) - y * z) + 0.5 * Lambda * Sum(w * w);
}

var gradient = Ad.Grad<Tensor>(Loss);
var hessian = Ad.Hessian(Loss);

// The AD Hessian against the closed form, at a point away from the optimum.
var probe = RandomNormal(7, [d]) * 0.1;
var p0 = Sigmoid(MatMul(x, probe));
var closedForm = MatMul(Transpose(x) * (p0 * (1 - p0)), x) / n + Lambda * Eye(d);
var hessianError = Max(Abs(hessian(probe) - closedForm)).ToDouble();
Console.WriteLine($"max |Hessian by AD − closed form| = {hessianError:0.00e+00}");

Console.WriteLine($"{n} patients, {d - 1} standardized features + bias, λ = {Lambda}");
Console.WriteLine();
Console.WriteLine(" iter │ Newton: loss          ‖∇L‖      │ gradient descent: loss   ‖∇L‖");
Console.WriteLine("──────┼─────────────────────────────────┼───────────────────────────────────");

// Gradient descent with the step 1/L, L = the largest Hessian eigenvalue at 0 bounding the curvature everywhere
// (p(1 − p) ≤ 1/4 is largest at w = 0): the textbook safe step, so the comparison is fair to gradient descent.
var step = 1.0 / Max(Np.Linalg.Eigvalsh(hessian(Zeros(d)))).ToDouble();
var newton = Zeros(d);
var descent = Zeros(d);
int converged = -1;
for (int iter = 0; iter <= MaxNewtonIterations; iter++)
{
    var g = gradient(newton);
    var gNorm = Norm(g).ToDouble();
    var gd = gradient(descent);
    Console.WriteLine($" {iter,4} │ {Loss(newton).ToDouble(),18:F12}  {gNorm,9:0.00e+00}  │ {Loss(descent).ToDouble(),18:F12}  {Norm(gd).ToDouble(),9:0.00e+00}");
    if (gNorm <= Tolerance)
    {
        converged = iter;
        break;
    }

    newton = newton - Np.Linalg.Solve(hessian(newton), g);       // the Newton step: solve H Δ = ∇L
    descent = descent - step * gd;
}

// Gradient descent's distance to the optimum after the same number of steps, and after a thousand.
int iterations = converged < 0 ? MaxNewtonIterations : converged;
var descentGap = Loss(descent).ToDouble() - Loss(newton).ToDouble();
const int LongRun = 1000;
for (int i = iterations; i < LongRun; i++)
    descent = descent - step * gradient(descent);
var longGap = Loss(descent).ToDouble() - Loss(newton).ToDouble();

var accuracy = Mean(AsType(Equal(MatMul(x, newton) > 0, y > 0.5), Cotangent.Runtime.DType.Float64)).ToDouble();
Console.WriteLine();
Console.WriteLine($"Newton: ‖∇L‖ ≤ {Tolerance:0e+00} after {iterations} iterations; training accuracy {accuracy:P1}");
Console.WriteLine($"Gradient descent (step 1/L = {step:F3}): {descentGap:0.00e+00} above Newton's loss after {iterations} steps, "
    + $"{longGap:0.00e+00} after {LongRun} (‖∇L‖ = {Norm(gradient(descent)).ToDouble():0.00e+00})");
Console.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s");

var failures = new List<string>();
if (converged < 0) failures.Add($"Newton did not reach ‖∇L‖ ≤ {Tolerance:0e+00} within {MaxNewtonIterations} iterations");
if (hessianError > 1e-10) failures.Add($"the AD Hessian differs from the closed form by {hessianError:0.00e+00}");
if (descentGap < 1e-4) failures.Add($"gradient descent was within {descentGap:0.00e+00} of the optimum after {iterations} steps: the comparison shows nothing");
if (accuracy < 0.95) failures.Add($"training accuracy {accuracy:P1} is below 95%");
foreach (var failure in failures) Console.Error.WriteLine($"FAILED: {failure}");
return failures.Count == 0 ? 0 : 1;
