namespace Cotangent.Runtime;

/// <summary>
/// The array kernels: every operation the primitives need, over contiguous row-major <see cref="NDArray"/> values.
/// Kernels never mutate inputs and always return fresh arrays (or share a buffer when the data is unchanged).
/// Every method validates its arguments and throws <see cref="ShapeException"/>, <see cref="DTypeException"/>,
/// <see cref="AxisException"/> or <see cref="IndexBoundsException"/> naming the operation and the offending shapes.
/// </summary>
/// <remarks>
/// Families live in Kernels.&lt;Family&gt;.cs. Elementwise work runs through operator structs (Operators/) over shared
/// drivers (Drivers/): <see cref="UnaryDriver"/> and <see cref="BinaryDriver"/> for contiguous SIMD loops and
/// <see cref="StridedLoop"/> for broadcast and strided layouts.
/// </remarks>
public static partial class Kernels;
