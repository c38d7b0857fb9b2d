using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Rnn.Onnx.Tests.TestKit;

/// <summary>
/// ONNX Runtime for the tests: one process-wide environment whose log (warning level and above) is captured, so a test
/// can assert that creating a session printed nothing; sessions and runs over plain arrays.
/// </summary>
[TestClass]
public static class Ort
{
    private static readonly ConcurrentQueue<string> Log = new();

    /// <summary>Creates the ONNX Runtime environment before anything else touches it (ML.NET's OnnxTransformer included).</summary>
    [AssemblyInitialize]
    public static void CreateEnvironment(TestContext context)
    {
        _ = context;
        var options = new EnvironmentCreationOptions
        {
            logId = "rnnml-tests",
            logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
            loggingFunction = (_, severity, category, _, location, message) => Log.Enqueue($"[{severity}] {category} {location}: {message}"),
        };
        OrtEnv.CreateInstanceWithOptions(ref options);
    }

    /// <summary>Reports the largest ONNX Runtime vs managed difference of the run (llm.c's maxdiff).</summary>
    [AssemblyCleanup]
    public static void ReportMaxDiff() => Console.WriteLine($"largest |managed - onnxruntime| over every comparison: {TensorAssert.MaxDiffSeen:E3}");

    /// <summary>Messages ONNX Runtime logged at warning level or above since the last call.</summary>
    public static string[] TakeLog()
    {
        var messages = new List<string>();
        while (Log.TryDequeue(out var message)) messages.Add(message);
        return [.. messages];
    }

    /// <summary>A CPU session with all graph optimisations on, logging at warning level.</summary>
    public static InferenceSession Session(byte[] model, int threads = 1)
    {
        // RNNML_ONNX_DUMP=DIR keeps every model a test runs, e.g. for the ONNX project's checker (docs/onnx.md).
        if (Environment.GetEnvironmentVariable("RNNML_ONNX_DUMP") is { Length: > 0 } dump)
            File.WriteAllBytes(Path.Combine(dump, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(model))[..16] + ".onnx"), model);
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
        };
        return new InferenceSession(model, options);
    }

    /// <summary>Runs the session on token ids [B, T] (padded) and lengths [B]; returns every output by name.</summary>
    public static Dictionary<string, Array> RunTokens(InferenceSession session, long[] tokens, long[] lengths, int steps) =>
        Run(session, NamedOnnxValue.CreateFromTensor("tokens", new DenseTensor<long>(tokens, [lengths.Length, steps])), lengths);

    /// <summary>Runs the session on float steps [B, T, F] (padded) and lengths [B]; returns every output by name.</summary>
    public static Dictionary<string, Array> RunSteps(InferenceSession session, float[] steps, long[] lengths, int t, int f) =>
        Run(session, NamedOnnxValue.CreateFromTensor("steps", new DenseTensor<float>(steps, [lengths.Length, t, f])), lengths);

    private static Dictionary<string, Array> Run(InferenceSession session, NamedOnnxValue sequence, long[] lengths)
    {
        var inputs = new[] { sequence, NamedOnnxValue.CreateFromTensor("lengths", new DenseTensor<long>(lengths, [lengths.Length])) };
        using var results = session.Run(inputs);
        var outputs = new Dictionary<string, Array>();
        foreach (var r in results)
        {
            outputs[r.Name] = r.ElementType switch
            {
                TensorElementType.Float => r.AsTensor<float>().ToArray(),
                TensorElementType.Int64 => r.AsTensor<long>().ToArray(),
                TensorElementType.Bool => r.AsTensor<bool>().ToArray(),
                _ => throw new InvalidOperationException($"unexpected output type {r.ElementType}"),
            };
        }
        return outputs;
    }
}
