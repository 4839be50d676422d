namespace Cotangent.Runtime;

/// <summary>Element type of an array.</summary>
public enum DType : byte
{
    /// <summary>64-bit IEEE float (<see cref="double"/>); the default for floating-point data.</summary>
    Float64,

    /// <summary>32-bit IEEE float (<see cref="float"/>).</summary>
    Float32,

    /// <summary>32-bit signed integer (<see cref="int"/>); used for indices and counts.</summary>
    Int32,

    /// <summary>Boolean (<see cref="bool"/>); used for masks and predicates.</summary>
    Bool,
}

/// <summary>Facts about <see cref="DType"/> values.</summary>
public static class DTypes
{
    /// <summary>True for <see cref="DType.Float64"/> and <see cref="DType.Float32"/>.</summary>
    public static bool IsFloat(this DType dtype) => dtype is DType.Float64 or DType.Float32;

    /// <summary>The short name used in printed programs: f64, f32, i32, bool.</summary>
    public static string ShortName(this DType dtype) => dtype switch
    {
        DType.Float64 => "f64",
        DType.Float32 => "f32",
        DType.Int32 => "i32",
        _ => "bool",
    };

    /// <summary>The CLR element type that stores values of <paramref name="dtype"/>.</summary>
    public static Type ElementType(this DType dtype) => dtype switch
    {
        DType.Float64 => typeof(double),
        DType.Float32 => typeof(float),
        DType.Int32 => typeof(int),
        _ => typeof(bool),
    };

    /// <summary>The dtype stored by CLR element type <typeparamref name="T"/>.</summary>
    public static DType Of<T>()
    {
        if (typeof(T) == typeof(double)) return DType.Float64;
        if (typeof(T) == typeof(float)) return DType.Float32;
        if (typeof(T) == typeof(int)) return DType.Int32;
        if (typeof(T) == typeof(bool)) return DType.Bool;
        throw new DTypeException($"Element type {typeof(T).Name} is not supported; use double, float, int or bool.");
    }

    /// <summary>
    /// <paramref name="value"/> truncated to int32 (C#'s conversion), or a <see cref="DTypeException"/> when it is NaN,
    /// infinite or outside the int32 range, which no int32 element can hold.
    /// </summary>
    /// <exception cref="DTypeException">The value has no int32 representation.</exception>
    public static int ToInt32(double value, string operation)
    {
        // Compare against the exclusive bounds so every value that truncates into range is accepted.
        if (value > -2147483649.0 && value < 2147483648.0) return (int)value;
        throw new DTypeException($"{operation}: the value {value.ToString(System.Globalization.CultureInfo.InvariantCulture)} cannot be represented as int32 (the range is {int.MinValue}..{int.MaxValue}; NaN and infinities have no int32 value).");
    }
}
