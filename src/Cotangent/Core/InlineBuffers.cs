using System.Runtime.CompilerServices;

namespace Cotangent.Core;

/// <summary>Stack storage for the operands of one primitive application, so tracing a small primitive allocates no arrays.</summary>
[InlineArray(4)]
public struct OperandBuffer
{
    private Tensor? _element;
}

/// <summary>Stack storage for the operand types of one primitive application.</summary>
[InlineArray(4)]
public struct AvalBuffer
{
    private Aval _element;
}
