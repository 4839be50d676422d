using Cotangent.Core;

namespace Cotangent.Compile;

/// <summary>
/// A generated elementwise loop: reads <c>buffers</c> (array inputs, then 0-d inputs, then array outputs, then one
/// partial-sum array per trailing reduction, then — for a 0-d block that uses it — the call's register file) over the index range [from, to); <c>part</c> (0 or 1) says which half of a
/// split loop this is, so each half writes its own partial sum.
/// </summary>
internal delegate void FusedKernel(Array[] buffers, int from, int to, int part);

/// <summary>Where a fused operation's operand comes from.</summary>
internal enum OperandKind
{
    /// <summary>An input array of the group's shape, read at each index.</summary>
    Array,

    /// <summary>A 0-d input, broadcast to every index.</summary>
    Scalar,

    /// <summary>A literal, broadcast.</summary>
    Literal,

    /// <summary>The value of an earlier member of the group.</summary>
    Member,

    /// <summary>A 0-d value another straight-line block left in the call's register file (index = register).</summary>
    Register,
}

/// <summary>An operand of a fused operation: its kind and index (into the array inputs, the 0-d inputs or the members), or its literal value.</summary>
internal readonly record struct KernelOperand(OperandKind Kind, int Index, double Literal = 0);

/// <summary>One operation of a fused group: the runtime operator struct (the one the eager kernel uses) and its operands.</summary>
/// <param name="Operator">An <c>IUnaryOperator&lt;T&gt;</c> or <c>IBinaryOperator&lt;T&gt;</c> struct type.</param>
/// <param name="Operands">One operand (unary) or two (binary).</param>
/// <param name="Source">The equation it comes from, for printing.</param>
internal sealed record KernelMember(Type Operator, KernelOperand[] Operands, Equation Source);

/// <summary>
/// The description of one fused loop: element type, operand counts, the operations in order, which member values are
/// written out and which are summed. A 0-d group (<see cref="Scalar"/>) is straight-line code with no loop.
/// </summary>
internal sealed class KernelSpec
{
    public required Type Element { get; init; }

    public required bool Scalar { get; init; }

    public required int ArrayInputs { get; init; }

    /// <summary>Per array input, 0 when it has the group's shape, else its size p: a row repeated along the leading axes,
    /// read at index mod p (p is a multiple of the vector width, so each vector reads p's elements contiguously).</summary>
    public IReadOnlyList<int> ArrayPeriods { get; init; } = [];

    public required int ScalarInputs { get; init; }

    public required IReadOnlyList<KernelMember> Members { get; init; }

    /// <summary>The member written to each output array, in output order.</summary>
    public required IReadOnlyList<int> Stores { get; init; }

    /// <summary>The member summed over the whole range for each trailing reduction, in order.</summary>
    public required IReadOnlyList<int> Sums { get; init; }

    /// <summary>For a 0-d block: (member, register) pairs written to the call's register file, for later blocks only.</summary>
    public IReadOnlyList<(int Member, int Register)> RegisterStores { get; init; } = [];

    /// <summary>Whether the block reads or writes the register file, passed as the last buffer (found once: a scan's body asks on every step).</summary>
    public bool UsesRegisters => _usesRegisters ??= RegisterStores.Count > 0 || Members.Any(m => m.Operands.Any(o => o.Kind == OperandKind.Register));

    private bool? _usesRegisters;

    /// <summary>How many members are transcendental functions (everything but arithmetic), which sets where the loop is split over threads.</summary>
    public int CostlyMembers => Members.Count(m => m.Operands.Length == 1 && !m.Operator.Name.StartsWith("Neg", StringComparison.Ordinal)
        || m.Operator.Name.StartsWith("Pow", StringComparison.Ordinal));
}
