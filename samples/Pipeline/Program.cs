// Pipeline: the walk-through of "Decomposing reverse-mode automatic differentiation" (Frostig, Johnson, Maclaurin,
// Paszke, Radul, 2021), one stage at a time on one small function:
//   program → JVP → Linearize (JVP + partial evaluation: a linear program reading residuals)
//   → transpose (the linear program run backwards) → Vjp and Grad, which are exactly Linearize followed by transpose.
// Each stage is printed. The checks are on numbers only (the printed text is not a stable format): the linear map
// agrees with the JVP, the transpose satisfies ⟨ȳ, J ẋ⟩ = ⟨Jᵀ ȳ, ẋ⟩, Vjp and Grad agree with the composition,
// and the gradient agrees with the analytic derivative and with central finite differences.
using Cotangent;
using static Cotangent.Np;

var failures = new List<string>();
void Check(bool ok, string what)
{
    Console.WriteLine($"  [{(ok ? "ok" : "FAILED")}] {what}");
    if (!ok) failures.Add(what);
}

static double MaxAbs(Tensor t) => Max(Abs(t)).ToDouble();

// The function: elementwise f(x) = sin(x)·e^(−x) + x², so f′(x) = (cos(x) − sin(x))·e^(−x) + 2x.
static Tensor F(Tensor x) => (Sin(x) * Exp(-x)) + (x * x);
static Tensor Derivative(Tensor x) => ((Cos(x) - Sin(x)) * Exp(-x)) + (2 * x);
var x = Array(0.5, 1.0, 2.0);
var xDot = Array(1.0, -2.0, 0.5);                                 // a tangent: a direction in input space
var yBar = Array(0.25, 1.0, -3.0);                                // a cotangent: a weighting of the outputs

Console.WriteLine("== 1. The program: what tracing f records, one primitive per equation ==");
Console.WriteLine(Ad.MakeProgram<Tensor, Tensor>(F, x));

Console.WriteLine("== 2. JVP: every primitive replaced by its JVP rule; (x, ẋ) ↦ (f(x), J ẋ) in one forward pass ==");
Console.WriteLine(Ad.MakeProgram<(Tensor, Tensor), (Tensor, Tensor)>(p => Ad.Jvp<Tensor, Tensor>(F, p.Item1, p.Item2), (x, xDot)));
var (y, jvpTangent) = Ad.Jvp<Tensor, Tensor>(F, x, xDot);
Console.WriteLine($"f(x) = {y}");
Console.WriteLine($"J ẋ  = {jvpTangent}");
Check(MaxAbs(jvpTangent - (Derivative(x) * xDot)) < 1e-14, "the JVP's tangent is f′(x)·ẋ");
Console.WriteLine();

Console.WriteLine("== 3. Linearize = JVP + partial evaluation: the primal work runs now; what depends on ẋ is staged ==");
Console.WriteLine("   (its constants are residuals: values such as cos(x) and e^(−x) computed at this x)");
var (yLinearized, linear) = Ad.Linearize<Tensor, Tensor>(F, x);
Console.WriteLine(linear);
var linearTangent = linear.Apply(xDot);
Console.WriteLine($"applied to ẋ: {linearTangent}");
Check(Np.ArrayEqual(yLinearized, y), "Linearize's f(x) is the JVP's f(x)");
Check(MaxAbs(linearTangent - jvpTangent) < 1e-14, "the linear program applied to ẋ gives the JVP's tangent, without re-running f");
Console.WriteLine();

Console.WriteLine("== 4. Transposition: the linear program's equations reversed, each linear primitive by its transpose rule ==");
var transposed = linear.Transpose();
Console.WriteLine(transposed);
var pulledBack = transposed.Apply(yBar);
Console.WriteLine($"applied to ȳ: Jᵀ ȳ = {pulledBack}");
var lhs = Sum(yBar * linearTangent).ToDouble();
var rhs = Sum(pulledBack * xDot).ToDouble();
Console.WriteLine($"⟨ȳ, J ẋ⟩ = {lhs:R}   ⟨Jᵀ ȳ, ẋ⟩ = {rhs:R}");
Check(Math.Abs(lhs - rhs) < 1e-12 * Math.Max(1, Math.Abs(lhs)), "the transpose is the adjoint: ⟨ȳ, J ẋ⟩ = ⟨Jᵀ ȳ, ẋ⟩");
// The transpose of any linear function, not only one Linearize made: transposing ẋ ↦ J ẋ given as a C# function.
var transposedByHand = Ad.LinearTranspose<Tensor, Tensor>(linear.Apply, xDot);
Check(MaxAbs(transposedByHand.Apply(yBar) - pulledBack) < 1e-14, "Ad.LinearTranspose of the function ẋ ↦ linear.Apply(ẋ) gives the same Jᵀ ȳ");
Check(MaxAbs(transposed.Transpose().Apply(xDot) - linearTangent) < 1e-14, "transposing twice gives back the linear map");
Console.WriteLine();

Console.WriteLine("== 5. Reverse mode is that composition: Vjp = transpose ∘ Linearize, Grad = Vjp with ȳ = 1 ==");
var (yVjp, pullback) = Ad.Vjp<Tensor, Tensor>(F, x);
var vjp = pullback(yBar);
var grad = Ad.Grad<Tensor>(v => Sum(F(v)))(x);                   // ∇ Σᵢ f(x)ᵢ = Jᵀ·1
var viaComposition = linear.Transpose().Apply(OnesLike(y));
Console.WriteLine($"Vjp pullback(ȳ)        = {vjp}");
Console.WriteLine($"Grad(Σ f)(x)           = {grad}");
Console.WriteLine($"transpose(linearize)·1 = {viaComposition}");
Console.WriteLine($"bitwise identical: Vjp {Np.ArrayEqual(vjp, pulledBack)}, Grad {Np.ArrayEqual(grad, viaComposition)}");
Check(Np.ArrayEqual(yVjp, y), "Vjp's f(x) is the JVP's f(x)");
Check(MaxAbs(vjp - pulledBack) < 1e-14, "Vjp's pullback is the transposed linear program");
Check(MaxAbs(grad - viaComposition) < 1e-14, "Grad is the transposed linear program applied to 1");

// Independent of the whole pipeline: the hand-derived derivative, and central differences with step h.
const double H = 1e-6;
var finiteDifference = (F(x + H) - F(x - H)) / (2 * H);          // f is elementwise, so one difference gives all of ∇
Console.WriteLine($"analytic f′(x)          = {Derivative(x)}");
Console.WriteLine($"central differences     = {finiteDifference}");
Check(MaxAbs(grad - Derivative(x)) < 1e-14, "the gradient is the analytic derivative");
Check(MaxAbs(grad - finiteDifference) < 1e-8, "the gradient matches central finite differences (h = 1e-6)");

Console.WriteLine(failures.Count == 0 ? "all checks passed" : $"{failures.Count} check(s) failed");
return failures.Count == 0 ? 0 : 1;
