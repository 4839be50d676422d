namespace Cotangent.Runtime;

/// <summary>Process-wide switches of the runtime, read once from the environment.</summary>
public static class RuntimeOptions
{
    /// <summary>The environment variable that turns on <see cref="PoisonAllocations"/> (any value but empty, 0 or false).</summary>
    public const string PoisonVariable = "COTANGENT_POISON_ALLOC";

    /// <summary>
    /// When true, every buffer the runtime allocates without clearing (kernels that promise to overwrite every
    /// element) is first filled with a sentinel — NaN for floats, <see cref="PoisonInt32"/> for int32, true for
    /// bool — so a kernel that reads or returns an element it never wrote shows it at once instead of returning
    /// whatever the garbage collector left in that memory. CI runs the whole test suite once more in this mode;
    /// tests may switch it on for a while through the internal setter.
    /// </summary>
    public static bool PoisonAllocations { get; internal set; } = IsOn(Environment.GetEnvironmentVariable(PoisonVariable));

    /// <summary>The int32 sentinel of <see cref="PoisonAllocations"/>.</summary>
    public const int PoisonInt32 = -0x21524111; // 0xDEADBEEF

    private static bool IsOn(string? value)
        => !string.IsNullOrWhiteSpace(value) && value.Trim() is not ("0" or "false" or "False" or "FALSE");
}
