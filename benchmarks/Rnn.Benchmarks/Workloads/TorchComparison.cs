using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Rnn.Benchmarks.Measurement;

namespace Rnn.Benchmarks.Workloads;

/// <summary>
/// Runs torch_bench.py and our workloads alternately (torch first in odd rounds, ours first in even ones) and prints
/// a ratio table: RnnMl / PyTorch for throughputs, PyTorch / RnnMl for times, so above 1 means RnnMl is faster.
/// </summary>
internal static class TorchComparison
{
    public static int Run(IReadOnlyList<string> names, BenchSettings settings, int rounds, string? torchBench, bool json)
    {
        string script = torchBench ?? DefaultScript();
        if (!File.Exists(script))
        {
            Console.Error.WriteLine($"torch_bench.py not found at {script} (use --torch-bench PATH)");
            return 2;
        }
        var ours = new List<JsonObject>();
        var theirs = new List<JsonObject>();
        for (int round = 1; round <= rounds; round++)
        {
            bool torchFirst = round % 2 == 1;
            for (int side = 0; side < 2; side++)
            {
                if ((side == 0) == torchFirst)
                {
                    foreach (var line in RunTorch(script, names, settings.Threads))
                    {
                        line["round"] = round;
                        theirs.Add(line);
                        if (json) Console.WriteLine(ResultLine.ToJson(line));
                    }
                }
                else
                {
                    foreach (string name in names)
                    {
                        var line = WorkloadRunner.Run(name, settings);
                        line["round"] = round;
                        ours.Add(line);
                        if (json) Console.WriteLine(ResultLine.ToJson(line));
                    }
                }
            }
            Console.Error.WriteLine($"# round {round}/{rounds} done");
        }
        PrintTable(names, ours, theirs);
        return 0;
    }

    /// <summary>../shared/anchors/torch_bench.py relative to the repository root (the directory holding RnnMl.sln).</summary>
    private static string DefaultScript()
    {
        string? dir = Directory.GetCurrentDirectory();
        while (dir != null && !File.Exists(Path.Combine(dir, "RnnMl.sln"))) dir = Path.GetDirectoryName(dir);
        dir ??= AppContext.BaseDirectory;
        return Path.GetFullPath(Path.Combine(dir, "..", "shared", "anchors", "torch_bench.py"));
    }

    private const string TimeTool = "/usr/bin/time";
    private const string PeakRssPrefix = "peak_rss_kib=";

    private static List<JsonObject> RunTorch(string script, IReadOnlyList<string> names, int threads)
    {
        // Under /usr/bin/time (when present) to record PyTorch's peak resident set over the run.
        bool timed = File.Exists(TimeTool);
        var psi = new ProcessStartInfo(timed ? TimeTool : "/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (timed)
        {
            foreach (string arg in new[] { "-f", PeakRssPrefix + "%M", "/usr/bin/python3" }) psi.ArgumentList.Add(arg);
        }
        foreach (string arg in new[] { script, "--workloads", string.Join(',', names), "--threads", threads.ToString(CultureInfo.InvariantCulture), "--no-header" })
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start python3");
        var stderr = process.StandardError.ReadToEndAsync();
        var lines = new List<JsonObject>();
        while (process.StandardOutput.ReadLine() is { } text)
        {
            if (JsonNode.Parse(text) is JsonObject obj && (string?)obj["type"] == "result")
            {
                obj["impl"] = "PyTorch";
                lines.Add(obj);
            }
        }
        process.WaitForExit();
        if (process.ExitCode != 0) Console.Error.WriteLine($"torch_bench.py exited with {process.ExitCode}: {stderr.Result}");
        string? peak = stderr.Result.Split('\n').LastOrDefault(l => l.StartsWith(PeakRssPrefix, StringComparison.Ordinal));
        if (peak != null && double.TryParse(peak[PeakRssPrefix.Length..], CultureInfo.InvariantCulture, out double kib))
        {
            foreach (var line in lines) line["peak_working_set_mib"] = Math.Round(kib / 1024, 1);
        }
        return lines;
    }

    private static void PrintTable(IReadOnlyList<string> names, List<JsonObject> ours, List<JsonObject> theirs)
    {
        double peak = Median(ours.Where(l => (string?)l["workload"] == "matmul_ref"), "value");
        Console.WriteLine();
        Console.WriteLine("| workload | metric | RnnMl (median of rounds) | PyTorch (median of rounds) | ratio (>1: RnnMl faster) | ratio per round " +
            "| RnnMl GFLOP/s | share of RnnMl 1024³ | PyTorch GFLOP/s | RnnMl B/step | peak WS MiB RnnMl / PyTorch (process) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (string name in names)
        {
            bool higher = WorkloadRunner.Create(name).HigherIsBetter;
            var o = ours.Where(l => (string?)l["workload"] == name).ToList();
            var t = theirs.Where(l => (string?)l["workload"] == name).ToList();
            if (o.Count == 0 || t.Count == 0) continue;
            string metric = (string)o[0]["metric"]!;
            string[] fields = name switch
            {
                "matmul_ref" => ["value", "gflops_1thread", "gflops_best", "gflops_1thread_best"],
                "infer_latency" => ["value", "latency_p99_us"],
                _ => ["value"],
            };
            foreach (string field in fields)
            {
                double[] ov = [.. o.Select(l => (double)l[field]!)];
                double[] tv = [.. t.Select(l => (double)l[field]!)];
                double om = SampleStats.Of(ov).Median, tm = SampleStats.Of(tv).Median;
                var perRound = ov.Zip(tv, (x, y) => (higher ? x / y : y / x).ToString("F2", CultureInfo.InvariantCulture));
                string extra = field != "value" ? "| | | | | |" : string.Create(CultureInfo.InvariantCulture,
                    $"| {Median(o, "gflops"):F1} | {(double.IsNaN(peak) ? "" : $"{Median(o, "gflops") / peak * 100:F1} %")} | {Median(t, "gflops"):F1} " +
                    $"| {o[0]["allocated_bytes_last_step"]?.ToString() ?? "-"} | {o.Max(l => (double?)l["peak_working_set_mib"])?.ToString("F0", CultureInfo.InvariantCulture) ?? "-"} / " +
                    $"{t.Max(l => (double?)l["peak_working_set_mib"])?.ToString("F0", CultureInfo.InvariantCulture) ?? "-"} |");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {(field == "value" ? metric : field)} | {om:G4} | {tm:G4} | **{(higher ? om / tm : tm / om):F2}** | {string.Join(" ", perRound)} {extra}"));
            }
        }
    }

    private static double Median(IEnumerable<JsonObject> lines, string field)
    {
        double[] v = [.. lines.Select(l => (double?)l[field]).Where(x => x.HasValue).Select(x => x!.Value)];
        return v.Length == 0 ? double.NaN : SampleStats.Of(v).Median;
    }
}
