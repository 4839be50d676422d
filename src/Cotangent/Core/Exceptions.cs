namespace Cotangent;

/// <summary>A tracer was used outside the transformation that created it (it "escaped"), e.g. stored in a field during Grad and used afterwards.</summary>
public class EscapedTracerException : CotangentException
{
    /// <summary>Creates the exception with a message.</summary>
    public EscapedTracerException(string message) : base(message) { }

    /// <summary>Creates the exception with a default message.</summary>
    public EscapedTracerException() { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public EscapedTracerException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A program or function is not linear in its linear inputs where linearity is required (LinearTranspose).</summary>
public class LinearityException : CotangentException
{
    /// <summary>Creates the exception with a message.</summary>
    public LinearityException(string message) : base(message) { }

    /// <summary>Creates the exception with a default message.</summary>
    public LinearityException() { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public LinearityException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A program failed the structural checker (types, shapes, SSA, use before definition).</summary>
public class ProgramCheckException : CotangentException
{
    /// <summary>Creates the exception with a message.</summary>
    public ProgramCheckException(string message) : base(message) { }

    /// <summary>Creates the exception with a default message.</summary>
    public ProgramCheckException() { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public ProgramCheckException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A derivative was requested that does not exist or cannot be taken: Grad of a non-scalar, differentiating with respect to an integer, a missing rule.</summary>
public class DifferentiationException : CotangentException
{
    /// <summary>Creates the exception with a message.</summary>
    public DifferentiationException(string message) : base(message) { }

    /// <summary>Creates the exception with a default message.</summary>
    public DifferentiationException() { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public DifferentiationException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A structured input or output ("tree") does not have the structure expected, or holds an unsupported leaf.</summary>
public class TreeStructureException : CotangentException
{
    /// <summary>Creates the exception with a message.</summary>
    public TreeStructureException(string message) : base(message) { }

    /// <summary>Creates the exception with a default message.</summary>
    public TreeStructureException() { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public TreeStructureException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A concrete value was needed where only the abstract value (shape and dtype) is known, e.g. branching on a traced value inside MakeProgram.</summary>
public class ConcretizationException : CotangentException
{
    /// <summary>Creates the exception with a message.</summary>
    public ConcretizationException(string message) : base(message) { }

    /// <summary>Creates the exception with a default message.</summary>
    public ConcretizationException() { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public ConcretizationException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Program text could not be read: <see cref="Line"/> and <see cref="Column"/> locate the fault.</summary>
public class ProgramParseException : CotangentException
{
    /// <summary>Creates the exception at a 1-based position, with what was expected there.</summary>
    public ProgramParseException(int line, int column, string message)
        : base($"Program text, line {line}, column {column}: {message}")
    {
        Line = line;
        Column = column;
    }

    /// <summary>Creates the exception with a message.</summary>
    public ProgramParseException(string message) : base(message) { }

    /// <summary>Creates the exception with a default message.</summary>
    public ProgramParseException() { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public ProgramParseException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The 1-based line of the fault (0 when unknown).</summary>
    public int Line { get; }

    /// <summary>The 1-based column of the fault (0 when unknown).</summary>
    public int Column { get; }
}

/// <summary>Vmap could not batch a function: inconsistent batch sizes, an axis that does not exist, an output that must be unbatched but is not, or a primitive without a batching rule.</summary>
public class BatchingException : CotangentException
{
    /// <summary>Creates the exception with a message.</summary>
    public BatchingException(string message) : base(message) { }

    /// <summary>Creates the exception with a default message.</summary>
    public BatchingException() { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public BatchingException(string message, Exception inner) : base(message, inner) { }
}
