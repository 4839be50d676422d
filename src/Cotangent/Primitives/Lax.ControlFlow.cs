using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

public static partial class Lax
{
    /// <summary>Throws <see cref="ArgumentNullException"/> for a null array or a null element of it.</summary>
    private static void RequireAll(Tensor[] values, string name)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        for (int i = 0; i < values.Length; i++)
            if (values[i] is null) throw new ArgumentNullException(name, $"Element {i} of {name} is null.");
    }

    /// <summary>
    /// Applies <c>branches[clamp(index, 0, n − 1)]</c> to <paramref name="operands"/> (JAX's lax.switch). Every branch
    /// must return the same number and types of values. Eagerly, with a concrete index and no transformation active, only
    /// the chosen branch runs; otherwise every branch is traced into a program and one <c>cond</c> is bound, so
    /// transformations see the choice as one step (a staged index keeps both branches in the program).
    /// </summary>
    /// <param name="index">An i32 scalar (a bool is converted: false → 0, true → 1).</param>
    /// <param name="branches">The branch functions, each from the operands to its results.</param>
    /// <param name="operands">The values the branches receive; values a branch captures from outside work too.</param>
    public static Tensor[] Switch(Tensor index, IReadOnlyList<Func<Tensor[], Tensor[]>> branches, params Tensor[] operands)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(branches);
        RequireAll(operands, nameof(operands));
        for (int i = 0; i < branches.Count; i++)
            if (branches[i] is null) throw new ArgumentNullException(nameof(branches), $"Branch {i} is null.");
        if (branches.Count == 0) throw new ArgumentException("Switch needs at least one branch.", nameof(branches));
        if (index.Rank != 0 || (index.DType != DType.Int32 && index.DType != DType.Bool))
            throw new ShapeException($"Switch: the index must be an i32 or bool scalar, got {index.Aval}.");
        index = Convert(index, DType.Int32);
        if (TraceContext.Current is null && index.IsConcrete)
            return branches[Primitives.Cond.Clamp(index.Array!.Value.ReadOnlySpan<int>()[0], branches.Count)](operands);

        var avals = Staging.AvalsOf(operands);
        var traced = branches.Select(b => ControlFlow.TraceClosed(b, avals, "Switch")).ToArray();
        var capturedAvals = new List<Aval>();
        var captured = new List<Tensor>();
        var offsets = new int[traced.Length];
        for (int b = 0; b < traced.Length; b++)
        {
            offsets[b] = captured.Count;
            captured.AddRange(traced[b].Captured);
            capturedAvals.AddRange(Staging.AvalsOf(traced[b].Captured));
        }

        // Every branch takes every branch's captured values, then the operands, and reads its own.
        var programs = new Program[traced.Length];
        for (int b = 0; b < traced.Length; b++)
        {
            var (program, own) = traced[b];
            int start = offsets[b];
            programs[b] = captured.Count == 0 ? program : Staging.MakeProgram(
                xs => program.Evaluate([.. xs.AsSpan(start, own.Length), .. xs.AsSpan(captured.Count)]),
                [.. capturedAvals, .. avals], "Switch");
        }

        return Catalogue.Cond.Bind([index, .. captured, .. operands], new CondParams(programs));
    }

    /// <summary><paramref name="onTrue"/>(operands) when <paramref name="predicate"/> holds, else <paramref name="onFalse"/>(operands) (JAX's lax.cond).</summary>
    public static Tensor[] Cond(Tensor predicate, Func<Tensor[], Tensor[]> onTrue, Func<Tensor[], Tensor[]> onFalse, params Tensor[] operands)
    {
        ArgumentNullException.ThrowIfNull(onTrue);
        ArgumentNullException.ThrowIfNull(onFalse);
        return Switch(predicate, [onFalse, onTrue], operands);
    }

    /// <summary>
    /// Loops <paramref name="body"/> over the leading axis of <paramref name="xs"/> (JAX's lax.scan): each step maps
    /// (carry, one slice of every x) to (new carry, one slice of every y); the results are the final carry and the y
    /// slices stacked along a new leading axis. The body is traced once into a program, so a loop of any length is one
    /// <c>scan</c> equation: under Grad its residuals are stacked per step and the backward pass is a scan running the
    /// other way, and the program never grows with the number of steps.
    /// </summary>
    /// <param name="body">(carry, x slices) → (carry of the same types, y slices).</param>
    /// <param name="init">The initial carry.</param>
    /// <param name="xs">The scanned inputs, all with the same leading extent (may be empty if <paramref name="length"/> is given).</param>
    /// <param name="length">The number of steps; required when there are no xs, checked against them otherwise.</param>
    /// <param name="reverse">Run from the last slice to the first (each y is still stored at its slice's index).</param>
    /// <exception cref="ShapeException">The xs disagree on their leading extent or with the length, or the body changes the carry's types.</exception>
    /// <param name="checkpointEvery">When above 1, reverse mode keeps the carry only every this many steps and recomputes
    /// each block's steps in the backward pass (a checkpointed region per block): memory O(n/k + k) instead of O(n) for
    /// one more forward pass; k ≈ √n gives O(√n). 0 (the default) keeps every step's residuals.</param>
    public static (Tensor[] Carry, Tensor[] Ys) Scan(Func<Tensor[], Tensor[], (Tensor[] Carry, Tensor[] Ys)> body, Tensor[] init, Tensor[] xs, int? length = null, bool reverse = false, int checkpointEvery = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        RequireAll(init, nameof(init));
        RequireAll(xs, nameof(xs));
        int n = length ?? (xs.Length > 0 && xs[0].Rank > 0 ? xs[0].Shape[0] : throw new ShapeException("Scan: give a length when there is nothing to scan over (every x needs a leading axis)."));
        if (n < 0) throw new ShapeException($"Scan: the length must be non-negative, got {n}.");
        var sliceAvals = new Aval[xs.Length];
        for (int j = 0; j < xs.Length; j++)
        {
            if (xs[j].Rank == 0 || xs[j].Shape[0] != n)
                throw new ShapeException($"Scan: every x is scanned along its leading axis of length {n}, but x {j} has shape {xs[j].Shape}.");
            sliceAvals[j] = xs[j].Aval with { Shape = Shape.Of(xs[j].Shape.Dims[1..]) };
        }

        int nk = init.Length;
        int ny = -1;
        var (program, captured) = ControlFlow.TraceClosed(all =>
        {
            var (carry, ys) = body(all[..nk], all[nk..]);
            if (carry is null || ys is null) throw new ArgumentException("Scan: the body returned a null carry or ys array.");
            if (carry.Length != nk)
                throw new ShapeException($"Scan: the body must return a carry of {nk} values, like the initial carry, but returned {carry.Length}.");
            ny = ys.Length;
            return [.. carry, .. ys];
        }, [.. Staging.AvalsOf(init), .. sliceAvals], "Scan");
        if (checkpointEvery > 1 && n > checkpointEvery) return CheckpointedScan(program, captured, init, xs, n, reverse, checkpointEvery, ny);
        var results = Catalogue.Scan.Bind([.. captured, .. init, .. xs], new ScanParams(program, n, reverse, captured.Length, nk));
        return (results[..nk], results[nk..]);
    }

    /// <summary>
    /// The scan as blocks of <paramref name="k"/> steps: an outer scan over the blocks whose body is a checkpointed
    /// (save-nothing) inner scan, then a checkpointed scan over the remaining steps (first, when reversed).
    /// </summary>
    private static (Tensor[] Carry, Tensor[] Ys) CheckpointedScan(Program body, Tensor[] consts, Tensor[] init, Tensor[] xs, int n, bool reverse, int k, int ny)
    {
        int nk = init.Length, blocks = n / k, rem = n % k, head = blocks * k;
        Func<Tensor[], Tensor[]> Steps(int len) => Checkpoint(all => Catalogue.Scan.Bind(all, new ScanParams(body, len, reverse, consts.Length, nk)));
        Tensor Part(Tensor x, int start, int count) =>
            Slice(x, [start, .. new int[x.Rank - 1]], [start + count, .. x.Shape.Dims[1..]], [.. Enumerable.Repeat(1, x.Rank)]);
        var blockRun = Steps(k);
        (Tensor[] Carry, Tensor[] Ys) Blocks(Tensor[] carry)
        {
            var blocked = xs.Select(x => Reshape(Part(x, 0, head), Shape.Of([blocks, k, .. x.Shape.Dims[1..]]))).ToArray();
            var (c, ys) = Scan((cc, xb) =>
            {
                var outs = blockRun([.. consts, .. cc, .. xb]);
                return (outs[..nk], outs[nk..]);
            }, carry, blocked, blocks, reverse);
            return (c, ys.Select(y => Reshape(y, Shape.Of([head, .. y.Shape.Dims[2..]]))).ToArray());
        }

        (Tensor[] Carry, Tensor[] Ys) Tail(Tensor[] carry)
        {
            var outs = Steps(rem)([.. consts, .. carry, .. xs.Select(x => Part(x, head, rem))]);
            return (outs[..nk], outs[nk..]);
        }

        if (rem == 0) return Blocks(init);
        var (first, second) = reverse ? Tail(init) is var t ? (t, Blocks(t.Carry)) : default : Blocks(init) is var b ? (b, Tail(b.Carry)) : default;
        var (headYs, tailYs) = reverse ? (second.Ys, first.Ys) : (first.Ys, second.Ys);
        var stacked = new Tensor[ny];
        for (int j = 0; j < ny; j++) stacked[j] = Concatenate([headYs[j], tailYs[j]], 0);
        return (second.Carry, stacked);
    }

    /// <summary>
    /// for i in [lower, upper): carry = body(i, carry) (JAX's lax.fori_loop with static bounds), as a <see cref="Scan"/>
    /// whose carry also holds i (an i32 scalar).
    /// </summary>
    public static Tensor[] ForiLoop(int lower, int upper, Func<Tensor, Tensor[], Tensor[]> body, params Tensor[] init)
    {
        ArgumentNullException.ThrowIfNull(body);
        RequireAll(init, nameof(init));
        var one = new Tensor(NDArray.Scalar(DType.Int32, 1));
        var (carry, _) = Scan((c, _) => ([Add(c[0], one), .. body(c[0], c[1..])], []),
            [new Tensor(NDArray.Scalar(DType.Int32, lower)), .. init], [], Math.Max(0, upper - lower));
        return carry[1..];
    }

    /// <summary>
    /// while predicate(carry): carry = body(carry) (JAX's lax.while_loop), as one <c>while</c> equation. Forward mode works
    /// everywhere; reverse mode (Grad, Vjp), which JAX lacks, works whenever the trip count is known while
    /// differentiating (the predicate's value is concrete, as it is under Grad, Hessian and Jvp of Grad): the trips are
    /// counted and their residuals stacked, and the backward pass is a loop over that stack. Memory is one set of
    /// residuals per trip.
    /// </summary>
    /// <param name="predicate">carry → a bool scalar.</param>
    /// <param name="body">carry → carry of the same types.</param>
    /// <param name="init">The initial carry.</param>
    /// <exception cref="ShapeException">The predicate does not return a bool scalar, or the body changes the carry's types.</exception>
    public static Tensor[] WhileLoop(Func<Tensor[], Tensor> predicate, Func<Tensor[], Tensor[]> body, params Tensor[] init)
        => WhileLoop(predicate, body, 0, init);

    /// <summary>
    /// <see cref="WhileLoop(Func{Tensor[], Tensor}, Func{Tensor[], Tensor[]}, Tensor[])"/> with checkpointing: reverse mode
    /// keeps the carry only every <paramref name="checkpointEvery"/> trips and recomputes each block's trips in the
    /// backward pass. Cost model for n trips and k = <paramref name="checkpointEvery"/>: memory O(n/k + k) residual sets
    /// instead of O(n) (k ≈ √n gives O(√n)); time: the forward loop runs twice (once to count the trips, once to keep
    /// the carries) and each block once more in the backward pass, about 3× the loop against 1× without checkpointing.
    /// </summary>
    public static Tensor[] WhileLoop(Func<Tensor[], Tensor> predicate, Func<Tensor[], Tensor[]> body, int checkpointEvery, params Tensor[] init)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentNullException.ThrowIfNull(body);
        RequireAll(init, nameof(init));
        var avals = Staging.AvalsOf(init);
        var (cond, condCaptured) = ControlFlow.TraceClosed(xs => [predicate(xs)], avals, "WhileLoop");
        var (step, bodyCaptured) = ControlFlow.TraceClosed(body, avals, "WhileLoop");
        return Catalogue.While.Bind([.. condCaptured, .. bodyCaptured, .. init], new WhileParams(cond, step, condCaptured.Length, bodyCaptured.Length, checkpointEvery));
    }

    /// <summary>
    /// A checkpointed region (JAX's jax.checkpoint / remat): the returned function computes what <paramref name="f"/>
    /// does, but under reverse mode keeps only the values <paramref name="policy"/> names (by default nothing but the
    /// region's inputs) between the forward and the backward pass, recomputing the rest when the backward pass reaches
    /// the region. Trades time (the region runs about twice) for memory. See <see cref="Ad.Residuals{TIn}"/> for what is kept.
    /// </summary>
    public static Func<Tensor[], Tensor[]> Checkpoint(Func<Tensor[], Tensor[]> f, RematPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        var pol = policy ?? RematPolicy.Nothing;
        return args =>
        {
            RequireAll(args, nameof(args));
            if (TraceContext.Current is null) return f(args);
            var (program, captured) = ControlFlow.TraceClosed(f, Staging.AvalsOf(args), "Checkpoint");
            return Catalogue.Remat.Bind([.. captured, .. args], new RematParams(program, pol));
        };
    }

    /// <summary>Tags <paramref name="x"/> as <paramref name="name"/> (JAX's checkpoint_name) for <see cref="RematPolicy.SaveNames"/>; the value is unchanged.</summary>
    public static Tensor SaveName(Tensor x, string name)
    {
        ArgumentNullException.ThrowIfNull(x);
        NameTagParams.CheckName(name);
        return Catalogue.NameTag.Bind(x, new NameTagParams(name));
    }
}
