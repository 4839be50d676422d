// The tool resolves a program path against the process's current directory, and the transcript tests run it from the
// repository root as a user would (examples/x.ct), setting Environment.CurrentDirectory; that is process-wide, so the
// classes of this assembly run one after another (the whole assembly takes a few seconds).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
