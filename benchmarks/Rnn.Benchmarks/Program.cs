using System.CommandLine;
using BenchmarkDotNet.Running;
using Rnn.Benchmarks;
using Rnn.Benchmarks.Measurement;
using Rnn.Benchmarks.Workloads;

// dotnet run -c Release --project benchmarks/Rnn.Benchmarks -- --workload matmul_ref [--json] [--threads N]
// dotnet run -c Release --project benchmarks/Rnn.Benchmarks -- --workload all --compare [--rounds 3]
// dotnet run -c Release --project benchmarks/Rnn.Benchmarks -- --workload infer_latency,infer_batch256 --engine onnxruntime [--threads 1]
// dotnet run -c Release --project benchmarks/Rnn.Benchmarks -- --workload all --engine both [--json]   (managed and libtorch)
// dotnet run -c Release --project benchmarks/Rnn.Benchmarks -- --check-flops
// dotnet run -c Release --project benchmarks/Rnn.Benchmarks -- sweep [--torch]
// dotnet run -c Release --project benchmarks/Rnn.Benchmarks -- scan
// dotnet run -c Release --project benchmarks/Rnn.Benchmarks -- charlm-fit [--engine both] [--seconds 20] [--rounds 3] [--threads 2]
// dotnet run -c Release --project benchmarks/Rnn.Benchmarks -- bdn --filter '*Gemm*'

if (args.Length > 0 && args[0] == "bdn")
{
    BenchmarkSwitcher.FromAssembly(typeof(GemmShape).Assembly).Run(args[1..]);
    return 0;
}

var workloadOption = new Option<string>("--workload") { Description = "Workload name (WORKLOADS.md) or 'all' (every implemented one)", DefaultValueFactory = _ => "all" };
var jsonOption = new Option<bool>("--json") { Description = "Print the JSON result lines (torch_bench.py's fields)" };
var headerOption = new Option<bool>("--header") { Description = "With --json, print a header line first" };
var threadsOption = new Option<int>("--threads") { Description = "Threads (Parallelism.MaxThreads)", DefaultValueFactory = _ => 2 };
var repeatsOption = new Option<int?>("--repeats") { Description = "Timed repeats (default: the workload's)" };
var compareOption = new Option<bool>("--compare") { Description = "Run torch_bench.py alternately with ours and print ours/torch ratios" };
var roundsOption = new Option<int>("--rounds") { Description = "Alternating rounds for --compare", DefaultValueFactory = _ => 3 };
var torchBenchOption = new Option<string?>("--torch-bench") { Description = "Path of torch_bench.py (default ../shared/anchors/torch_bench.py from the repository root)" };
var checkFlopsOption = new Option<bool>("--check-flops") { Description = "Check the FLOP formulas against WORKLOADS.md's table and exit" };
var engineOption = new Option<string>("--engine")
{
    Description = "managed, torchsharp (libtorch through Rnn.TorchSharp), both (alternating per workload), or onnxruntime (infer_* on the managed engine and on ONNX Runtime, alternating --rounds times)",
    DefaultValueFactory = _ => "managed",
};

var root = new RootCommand("RnnMl workloads (WORKLOADS.md), measured like torch_bench.py")
{
    workloadOption, jsonOption, headerOption, threadsOption, repeatsOption, compareOption, roundsOption, torchBenchOption, checkFlopsOption, engineOption,
};
root.SetAction(parse =>
{
    if (parse.GetValue(checkFlopsOption))
    {
        var (ok, lines) = FlopCounts.CheckAgainstTable();
        foreach (string line in lines) Console.WriteLine(line);
        return ok ? 0 : 1;
    }
    string workload = parse.GetValue(workloadOption)!;
    IReadOnlyList<string> names = workload == "all" ? WorkloadRunner.Implemented : [.. workload.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
    foreach (string name in names)
    {
        if (WorkloadRunner.IsImplemented(name)) continue;
        Console.Error.WriteLine(WorkloadRunner.Known.Contains(name)
            ? $"workload '{name}' is not implemented yet; implemented: {string.Join(", ", WorkloadRunner.Implemented)}"
            : $"unknown workload '{name}'; choose from {string.Join(", ", WorkloadRunner.Known)}");
        return 2;
    }
    var settings = new BenchSettings { Threads = parse.GetValue(threadsOption), Repeats = parse.GetValue(repeatsOption) };
    bool json = parse.GetValue(jsonOption);
    if (json && parse.GetValue(headerOption)) Console.WriteLine(ResultLine.ToJson(WorkloadRunner.Header(settings)));
    if (parse.GetValue(engineOption) == "onnxruntime")
        return OnnxRuntimeComparison.Run(names, settings, parse.GetValue(roundsOption), json);
    if (parse.GetValue(compareOption))
        return TorchComparison.Run(names, settings, parse.GetValue(roundsOption), parse.GetValue(torchBenchOption), json);
    string engine = parse.GetValue(engineOption)!;
    if (engine is not ("managed" or "torchsharp" or "both"))
    {
        Console.Error.WriteLine($"unknown engine '{engine}'; choose managed, torchsharp, both or onnxruntime");
        return 2;
    }
    foreach (var (name, line) in EngineSelection.Run(names, engine, settings))
    {
        Console.WriteLine(json ? ResultLine.ToJson(line)
            : $"{name}: {line["metric"]} = {(double)line["value"]!:G4} {line["unit"]} (median of {line["repeats"]}, spread {line["spread_pct"]} %, {(double)line["gflops"]!:F1} GFLOP/s, foreign CPU {line["foreign_cpu_s"]} s)");
    }
    return 0;
});

var secondsOption = new Option<double>("--seconds") { Description = "Timed seconds per case", DefaultValueFactory = _ => 0.3 };
var torchOption = new Option<bool>("--torch") { Description = "Also time torch.mm (torch_gemm_shapes.py next to this project)" };
var sweep = new Command("sweep", "GEMM table over the workloads' shapes: Multiply, Blocked, pre-packed, Simple; 1 and 2 threads") { secondsOption, torchOption };
sweep.SetAction(parse =>
{
    string? script = null;
    if (parse.GetValue(torchOption))
    {
        string? dir = Directory.GetCurrentDirectory();
        while (dir != null && !File.Exists(Path.Combine(dir, "RnnMl.sln"))) dir = Path.GetDirectoryName(dir);
        script = Path.Combine(dir ?? ".", "benchmarks", "Rnn.Benchmarks", "torch_gemm_shapes.py");
    }
    return GemmSweep.Run(parse.GetValue(secondsOption), script);
});
root.Subcommands.Add(sweep);

var scan = new Command("scan", "Break-even scans: 1 vs 2 threads, Simple vs Blocked") { secondsOption };
scan.SetAction(parse => GemmScan.Run(parse.GetValue(secondsOption)));
root.Subcommands.Add(scan);

var fitEngineOption = new Option<string>("--engine") { Description = "managed, torchsharp or both (alternating per round)", DefaultValueFactory = _ => "both" };
var fitSecondsOption = new Option<double>("--seconds") { Description = "Training seconds per run (LanguageModelOptions.TimeBudget)", DefaultValueFactory = _ => 20 };
var charLmFit = new Command("charlm-fit", "charlm through LanguageModelTrainer.Fit (carried state, clipping) on the managed engine and on libtorch: tokens/s")
{
    fitEngineOption, fitSecondsOption, roundsOption, threadsOption,
};
charLmFit.SetAction(parse => CharLmFit.Run(parse.GetValue(fitEngineOption)!, parse.GetValue(fitSecondsOption), parse.GetValue(roundsOption), parse.GetValue(threadsOption)));
root.Subcommands.Add(charLmFit);

return root.Parse(args).Invoke();
