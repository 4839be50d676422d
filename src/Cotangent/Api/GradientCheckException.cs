namespace Cotangent;

/// <summary>
/// A derivative computed by Cotangent disagrees with its numerical check (<see cref="Ad.CheckGrads{TIn, TOut}"/>):
/// a JVP against central finite differences, or a VJP against the inner-product identity
/// ⟨ȳ, J·ṫ⟩ = ⟨Jᵀ·ȳ, ṫ⟩. The message names the check (e.g. <c>VJP of JVP</c>), the derivative order,
/// the expected and actual values, and the largest error against the tolerance.
/// </summary>
public class GradientCheckException : CotangentException
{
    /// <summary>Creates the exception with a message.</summary>
    public GradientCheckException(string message) : base(message) { }

    /// <summary>Creates the exception with a default message.</summary>
    public GradientCheckException() { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public GradientCheckException(string message, Exception inner) : base(message, inner) { }

    internal GradientCheckException(string message, string check, int order, double expected, double actual, double maxError, double tolerance)
        : base(message)
    {
        Check = check;
        Order = order;
        Expected = expected;
        Actual = actual;
        MaxError = maxError;
        Tolerance = tolerance;
    }

    /// <summary>Which check failed, JAX-style: <c>JVP</c>, <c>VJP</c>, <c>JVP of VJP</c>, … (innermost transformation last).</summary>
    public string Check { get; } = "";

    /// <summary>The derivative order being checked (1 for f's own JVP/VJP, 2 for the derivative of those, …).</summary>
    public int Order { get; }

    /// <summary>The reference value at the worst element (finite differences, or ⟨ȳ, J·ṫ⟩ by finite differences).</summary>
    public double Expected { get; }

    /// <summary>Cotangent's value at the worst element.</summary>
    public double Actual { get; }

    /// <summary>The largest absolute error |actual − expected|.</summary>
    public double MaxError { get; }

    /// <summary>The tolerance that error exceeded at that element.</summary>
    public double Tolerance { get; }
}
