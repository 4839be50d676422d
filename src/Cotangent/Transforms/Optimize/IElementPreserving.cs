namespace Cotangent.Transforms;

/// <summary>
/// Marks a one-operand primitive each of whose result elements is an element of its operand (broadcast, reshape,
/// transpose …): when every element of the operand has one value, so does the result. Simplification then treats,
/// say, a broadcast 1.0 as the 1 of x·1.
/// </summary>
public interface IElementPreserving
{
}
