namespace Cotangent.Runtime.Tests;

/// <summary>The poisoned-allocation mode fills what it promises to fill, and the public zeroed helpers stay zero in it.</summary>
public class PoisonModeTests
{
    [Fact]
    public void PoisonMode_FillsUninitializedBuffers_AndLeavesZeroedOnesZero()
    {
        bool before = RuntimeOptions.PoisonAllocations;
        RuntimeOptions.PoisonAllocations = true;
        try
        {
            Assert.All((double[])NDArray.AllocateUninitialized(DType.Float64, 5000), v => Assert.True(double.IsNaN(v)));
            Assert.All((float[])NDArray.AllocateUninitialized(DType.Float32, 5000), v => Assert.True(float.IsNaN(v)));
            Assert.All((int[])NDArray.AllocateUninitialized(DType.Int32, 5000), v => Assert.Equal(RuntimeOptions.PoisonInt32, v));
            Assert.All((bool[])NDArray.AllocateUninitialized(DType.Bool, 5000), Assert.True);
            Assert.All(NDArray.AllocateUninitialized<double>(5000), v => Assert.True(double.IsNaN(v)));
            foreach (var dtype in new[] { DType.Float64, DType.Float32, DType.Int32, DType.Bool })
            {
                var z = NDArray.Zeros(dtype, Shape.Of(5000));
                for (int i = 0; i < z.Size; i++) Assert.Equal(0.0, z.GetDouble(i));
                var a = NDArray.Wrap(dtype, Shape.Of(5000), NDArray.Allocate(dtype, 5000));
                for (int i = 0; i < a.Size; i++) Assert.Equal(0.0, a.GetDouble(i));
            }
        }
        finally
        {
            RuntimeOptions.PoisonAllocations = before;
        }
    }

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    [InlineData(DType.Int32)]
    public void SumOverAnEmptyAxis_IsZero_EvenWhenBuffersArePoisoned(DType dtype)
    {
        // Found by the poisoned run: the pairwise float sum returned early on an empty input and left its
        // (uninitialized) result unwritten, so Σ over a zero-length axis came back as leftover memory.
        bool before = RuntimeOptions.PoisonAllocations;
        RuntimeOptions.PoisonAllocations = true;
        try
        {
            foreach (var (shape, axes) in new (int[], int[])[] { ([0, 3000], [0]), ([3000, 0], [1]), ([5, 0, 700], [1]), ([0, 3000], [0, 1]) })
            {
                var x = NDArray.Zeros(dtype, Shape.Of(shape));
                var sum = Kernels.Reduce(ReduceOp.Sum, x, axes);
                for (int i = 0; i < sum.Size; i++) Assert.Equal(0.0, sum.GetDouble(i));
            }
        }
        finally
        {
            RuntimeOptions.PoisonAllocations = before;
        }
    }

    [Fact]
    public void PoisonVariable_IsTheOneCiSets()
    {
        var ci = File.ReadAllText(Path.Combine(RepoRoot(), ".ci", "run"));
        Assert.Contains(RuntimeOptions.PoisonVariable + "=1", ci, StringComparison.Ordinal);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cotangent.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
