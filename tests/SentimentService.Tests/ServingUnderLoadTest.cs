using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using SentimentService.Tests.TestKit;

namespace SentimentService.Tests;

/// <summary>
/// The service under concurrent clients while its model file is replaced twice: no request fails, and every answer is,
/// bit for bit, what a single-threaded PredictionEngine of the model that the response names gives for that sentence.
/// Bounded in count (RNNML_LOAD_REQUESTS, default 4,000; RNNML_LOAD_CLIENTS, default 16); prints throughput and latency
/// (docs/reliability.md, "Serving under load") but asserts nothing about time.
/// </summary>
[TestClass]
public sealed class ServingUnderLoadTest
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Predict_ConcurrentClientsWhileModelSwappedTwice_NoFailureAndEveryAnswerFromOneModel()
    {
        TrainedModels models = TrainedModels.Instance;
        int requests = Setting("RNNML_LOAD_REQUESTS", 4_000), clients = Setting("RNNML_LOAD_CLIENTS", 16);
        string[] sentences = models.Sentences;
        await using var service = await RunningService.StartAsync(models.Models[0].Zip, debounce: TimeSpan.FromMilliseconds(50));
        await service.PredictAsync("warm up");

        // Swaps: model 2 is published once a quarter of the requests have been claimed, model 3 once model 2 has answered
        // and half have been claimed. Requests from three quarters on wait for model 3, so each model answers some.
        var swapped = new[] { new TaskCompletionSource(), new TaskCompletionSource() };
        var answeredBy = new ConcurrentDictionary<string, int>();
        int next = -1, failures = 0, sentencesChecked = 0;
        var latencies = new double[requests];
        var batchRequest = new bool[requests];
        var mismatches = new ConcurrentQueue<string>();

        async Task SwapsAsync()
        {
            for (int k = 1; k <= 2; k++)
            {
                int threshold = requests * k / 4;
                while (Volatile.Read(ref next) < threshold || (k == 2 && !answeredBy.ContainsKey(models.Models[1].Sha256)))
                    await Task.Delay(5);
                service.Publish(models.Models[k].Zip);
                string sha = models.Models[k].Sha256;
                await service.WaitForAsync(h => h.ModelSha256 == sha, $"serving {models.Models[k].Name}");
                swapped[k - 1].SetResult();
            }
        }

        async Task ClientAsync(int client)
        {
            while (true)
            {
                int i = Interlocked.Increment(ref next);
                if (i >= requests) return;
                if (i >= requests * 3 / 4) await swapped[1].Task;
                // Every fourth request is a batch of 8 sentences; the others one sentence.
                bool batch = i % 4 == 3;
                string[] texts = batch
                    ? Enumerable.Range(0, 8).Select(j => sentences[(i * 8 + j) % sentences.Length]).ToArray()
                    : [sentences[(i * 7 + client) % sentences.Length]];
                var clock = Stopwatch.StartNew();
                PredictResponse? answer = null;
                try
                {
                    using var response = await service.Client.PostAsJsonAsync("/predict",
                        batch ? new PredictRequest(null, texts) : new PredictRequest(texts[0], null));
                    if (response.IsSuccessStatusCode) answer = await response.Content.ReadFromJsonAsync<PredictResponse>();
                    else mismatches.Enqueue($"request {i}: HTTP {(int)response.StatusCode}");
                }
                catch (HttpRequestException e)
                {
                    mismatches.Enqueue($"request {i}: {e.Message}");
                }
                latencies[i] = clock.Elapsed.TotalMilliseconds;
                batchRequest[i] = batch;
                if (answer is null)
                {
                    Interlocked.Increment(ref failures);
                    continue;
                }
                answeredBy.AddOrUpdate(answer.ModelSha256, 1, (_, n) => n + 1);
                TrainedModels.Model? model = models.BySha(answer.ModelSha256);
                if (model is null || answer.Predictions.Count != texts.Length)
                {
                    mismatches.Enqueue($"request {i}: answered by unknown model {answer.ModelSha256} or with {answer.Predictions.Count} predictions");
                    continue;
                }
                for (int j = 0; j < texts.Length; j++)
                {
                    float expected = model.Answers[texts[j]], actual = answer.Predictions[j].Probability;
                    if (answer.Predictions[j].Text != texts[j] || BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(actual))
                        mismatches.Enqueue($"request {i}, \"{texts[j]}\": {model.Name} (version {answer.ModelVersion}) answered {actual:R}, single-threaded {expected:R}");
                    Interlocked.Increment(ref sentencesChecked);
                }
            }
        }

        var total = Stopwatch.StartNew();
        Task swaps = SwapsAsync();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => ClientAsync(c))));
        double seconds = total.Elapsed.TotalSeconds;
        await swaps;
        HealthResponse health = await service.HealthAsync();

        string versions = string.Join(", ", models.Models.Select(m => $"{m.Name} {answeredBy.GetValueOrDefault(m.Sha256)}"));
        string report = string.Create(CultureInfo.InvariantCulture,
            $"serving under load: {requests} requests ({sentencesChecked} sentences) from {clients} clients, 2 swaps (version {health.ModelVersion} serving at the end), " +
            $"{failures} failed, {mismatches.Count} mismatched; {requests / seconds:F0} requests/s, {sentencesChecked / seconds:F0} sentences/s over {seconds:F2} s; " +
            $"latency single p50 {Percentile(latencies, batchRequest, false, 0.50):F2} ms, p99 {Percentile(latencies, batchRequest, false, 0.99):F2} ms; " +
            $"batch of 8 p50 {Percentile(latencies, batchRequest, true, 0.50):F2} ms, p99 {Percentile(latencies, batchRequest, true, 0.99):F2} ms; answers by model: {versions}");
        Console.WriteLine(report);
        TestContext.WriteLine(report);

        Assert.AreEqual(0, failures, string.Join("\n", mismatches.Take(10)));
        Assert.IsEmpty(mismatches, string.Join("\n", mismatches.Take(10)));
        Assert.AreEqual(3, health.ModelVersion);
        Assert.AreEqual(0, health.Rejections, health.LastRejection?.Reason);
        foreach (var model in models.Models)
            Assert.IsTrue(answeredBy.GetValueOrDefault(model.Sha256) > 0, $"{model.Name} answered no request ({versions})");
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value > 0 ? value : fallback;

    private static double Percentile(double[] latencies, bool[] batch, bool ofBatches, double p)
    {
        double[] sorted = latencies.Where((_, i) => batch[i] == ofBatches).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}
