using System.Globalization;
using Cotangent.Runtime;

namespace Cotangent.Core;

/// <summary>
/// Turns a failed allocation (an <see cref="OutOfMemoryException"/>, which .NET also raises for arrays longer than
/// <see cref="Array.MaxLength"/>) into a <see cref="ShapeException"/> that names the size, so a too-large shape is
/// reported like any other bad shape.
/// </summary>
internal static class Allocation
{
    public static ShapeException TooLarge(string operation, Aval aval, OutOfMemoryException inner)
    {
        long bytes = (long)aval.Shape.Size * ElementSize(aval.DType);
        return new ShapeException(string.Create(CultureInfo.InvariantCulture,
            $"{operation}: cannot allocate the result {aval} ({aval.Shape.Size} elements, {bytes} bytes): it is larger than the memory available " +
            $"or than the largest .NET array ({Array.MaxLength} elements). Use a smaller shape."), inner);
    }

    private static int ElementSize(DType dtype) => dtype switch
    {
        DType.Float64 => 8,
        DType.Bool => 1,
        _ => 4,
    };
}
