using BenchmarkDotNet.Running;
using Cotangent.Benchmarks;

if (args.Length > 0 && args[0] == "--gemm-vs-openblas")
    return GemmVsOpenBlas.Run(args[1..]);

if (args.Length > 0 && args[0] == "--linalg-vs-lapack")
    return LinalgVsLapack.Run(args[1..]);

if (args.Length > 0 && args[0] == "--ad-figures")
    return AdFigures.Run(args[1..]);

if (args.Length > 0 && args[0] == "--linalg-figures")
    return LinalgFigures.Run();

if (args.Length > 0 && args[0] == "--adbench")
    return AdBenchRunner.Run(args[1..]);

if (args.Length > 0 && args[0] == "--gemm-probe")
    return GemmProbe.Run(args[1..]);

BenchmarkSwitcher.FromAssembly(typeof(GemmVsOpenBlas).Assembly).Run(args);
return 0;
