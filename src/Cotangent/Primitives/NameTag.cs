using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

/// <summary>The parameter of <c>name</c>: the tag.</summary>
/// <param name="Name">An identifier.</param>
public sealed record NameTagParams(string Name) : Params, IParams<NameTagParams>
{
    /// <inheritdoc/>
    public override void Write(ParamWriter writer) => writer.Name("name", Name);

    /// <inheritdoc/>
    public static NameTagParams Read(ParamReader reader) => new(reader.Name("name"));

    /// <summary>Throws unless <paramref name="name"/> is an identifier that prints and reads back.</summary>
    internal static void CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        bool ok = name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            && name is not ("True" or "False" or "nan" or "inf");
        if (!ok) throw new ArgumentException($"'{name}' is not a usable name: use letters, digits and '_', not starting with a digit.", nameof(name));
    }
}

/// <summary>The catalogue entry of name.</summary>
public static partial class Catalogue
{
    /// <summary>name: see <see cref="Primitives.NameTag"/>.</summary>
    public static readonly NameTag NameTag = new();
}

/// <summary>
/// name (JAX's checkpoint_name): the identity, tagging a value so a checkpoint policy
/// (<see cref="RematPolicy.SaveNames"/>) can keep it. Linear; its transpose is the identity.
/// </summary>
public sealed class NameTag() : Primitive<NameTagParams>("name"), ILinearPrimitive<NameTagParams>, IBatchRule<NameTagParams>
{
    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, NameTagParams p)
    {
        Check.Arity(Name, args, 1);
        return args[0];
    }

    /// <summary>The operand itself (arrays are immutable).</summary>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, NameTagParams p) => args[0];

    /// <inheritdoc/>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, NameTagParams p) => linear[0];

    /// <summary>x̄ = ȳ.</summary>
    public void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, NameTagParams p, Span<Tensor?> result) => result[0] = cotangent;

    /// <summary>A tag on the value: the batch axis stays where it is.</summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, NameTagParams p) => BatchRules.Vectorized(this, args[0], dims[0], p);
}
