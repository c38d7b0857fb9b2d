// Checks the engine against PyTorch: every case of a torch-rnn-refs/1 file (forward outputs, final states,
// and the gradients of the input, the initial state and every parameter).
// Usage: dotnet run -c Release --project examples/TorchParity -- PATH [--tolerance 1e-4]
using System.Globalization;
using Rnn.Core.Diagnostics;

string? path = null;
double tolerance = 1e-4;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--tolerance" && i + 1 < args.Length) tolerance = double.Parse(args[++i], CultureInfo.InvariantCulture);
    else path ??= args[i];
}
path ??= Path.Combine("..", "shared", "refs", "torch_rnn_refs.json");
if (!File.Exists(path))
{
    Console.Error.WriteLine($"reference file not found: {path}");
    Console.Error.WriteLine("usage: TorchParity PATH [--tolerance 1e-4]");
    return 2;
}

var results = TorchReferenceParity.Run(path);
double worst = 0;
foreach (var r in results)
{
    string verdict = r.MaxAbsError <= tolerance ? "OK" : "FAIL";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{r.Id,-28} max abs error {r.MaxAbsError:E2} ({r.WorstQuantity})  {verdict}"));
    worst = Math.Max(worst, r.MaxAbsError);
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"parity: {results.Count} cases, max abs error {worst:E2}"));
return worst <= tolerance ? 0 : 1;
