namespace Cotangent.Primitives;

/// <summary>The catalogue entry of jit_call (the primitive lives with the compiler it runs).</summary>
public static partial class Catalogue
{
    /// <summary>jit_call: see <see cref="Compile.JitCall"/>.</summary>
    public static readonly Compile.JitCall JitCall = new();
}
