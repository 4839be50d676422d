namespace Cotangent;

/// <summary>Base class of every error Cotangent raises on purpose.</summary>
public class CotangentException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public CotangentException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public CotangentException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with a default message.</summary>
    public CotangentException() { }
}

/// <summary>Shapes that do not fit an operation: broadcasting, matmul, reshape, concatenate.</summary>
public class ShapeException : CotangentException
{
    /// <summary>Creates the exception with a message.</summary>
    public ShapeException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public ShapeException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with a default message.</summary>
    public ShapeException() { }
}

/// <summary>A dtype an operation does not accept, e.g. a float used as an index or mixed dtypes.</summary>
public class DTypeException : CotangentException
{
    /// <summary>Creates the exception with a message.</summary>
    public DTypeException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public DTypeException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with a default message.</summary>
    public DTypeException() { }
}

/// <summary>An axis outside the range [-rank, rank) or repeated.</summary>
public class AxisException : CotangentException
{
    /// <summary>Creates the exception with a message.</summary>
    public AxisException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public AxisException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with a default message.</summary>
    public AxisException() { }
}

/// <summary>An index or slice bound outside an array's extent.</summary>
public class IndexBoundsException : CotangentException
{
    /// <summary>Creates the exception with a message.</summary>
    public IndexBoundsException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public IndexBoundsException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with a default message.</summary>
    public IndexBoundsException() { }
}

/// <summary>
/// An argument of the right type whose value an operation cannot use: a zero step, bounds that are out of
/// order or not finite, an order or count below its minimum.
/// </summary>
public class ValueException : CotangentException
{
    /// <summary>Creates the exception with a message.</summary>
    public ValueException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public ValueException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with a default message.</summary>
    public ValueException() { }
}
