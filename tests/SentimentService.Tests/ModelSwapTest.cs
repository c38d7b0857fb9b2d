using System.Net;
using System.Net.Http.Json;
using Microsoft.ML;
using SentimentService.Tests.TestKit;

namespace SentimentService.Tests;

/// <summary>What the service does with a new model file that cannot serve, and with bad requests.</summary>
[TestClass]
public sealed class ModelSwapTest
{
    [TestMethod]
    public async Task Reload_DamagedThenUnservableFile_RejectedAndOldModelKeepsServingUntilAGoodOne()
    {
        TrainedModels models = TrainedModels.Instance;
        TrainedModels.Model first = models.Models[0], second = models.Models[1];
        await using var service = await RunningService.StartAsync(first.Zip, debounce: TimeSpan.FromMilliseconds(50));
        const string sentence = "the food was great";

        // Half a zip, written in place.
        byte[] zip = File.ReadAllBytes(second.Zip);
        byte[] damaged = zip[..(zip.Length / 2)];
        await File.WriteAllBytesAsync(service.ModelFile, damaged);
        HealthResponse health = await service.WaitForAsync(h => h.Rejections == 1, "rejecting the damaged file");
        Assert.AreEqual(1, health.ModelVersion);
        Assert.AreEqual(first.Sha256, health.ModelSha256);
        Assert.AreEqual(ServedModel.Hash(damaged), health.LastRejection!.Sha256);
        await AssertAnswersAsync(service, first, sentence);

        // A zip ml.Model.Load reads but that has no classifier: the probe prediction fails.
        string unservable = Path.Combine(models.Directory, "copy-columns.zip");
        var ml = new MLContext();
        var rows = ml.Data.LoadFromEnumerable([new Review { Text = sentence }]);
        ml.Model.Save(ml.Transforms.CopyColumns("Copy", nameof(Review.Text)).Fit(rows), rows.Schema, unservable);
        service.Publish(unservable);
        health = await service.WaitForAsync(h => h.Rejections == 2, "rejecting the model without a classifier");
        Assert.AreEqual(1, health.ModelVersion);
        StringAssert.Contains(health.LastRejection!.Reason, "PredictedLabel");
        await AssertAnswersAsync(service, first, sentence);

        service.Publish(second.Zip);
        health = await service.WaitForAsync(h => h.ModelSha256 == second.Sha256, "serving the second model");
        Assert.AreEqual(2, health.ModelVersion);
        Assert.AreEqual(2, health.Rejections);
        await AssertAnswersAsync(service, second, sentence);
    }

    [TestMethod]
    public async Task Predict_NoTextOrTooLargeBatch_BadRequest()
    {
        await using var service = await RunningService.StartAsync(TrainedModels.Instance.Models[0].Zip, debounce: TimeSpan.FromMilliseconds(50));
        using var empty = await service.Client.PostAsJsonAsync("/predict", new PredictRequest(null, null));
        Assert.AreEqual(HttpStatusCode.BadRequest, empty.StatusCode);
        using var large = await service.Client.PostAsJsonAsync("/predict", new PredictRequest(null, Enumerable.Repeat("good", 257).ToArray()));
        Assert.AreEqual(HttpStatusCode.BadRequest, large.StatusCode);
    }

    private static async Task AssertAnswersAsync(RunningService service, TrainedModels.Model model, string sentence)
    {
        PredictResponse answer = await service.PredictAsync(sentence);
        Assert.AreEqual(model.Sha256, answer.ModelSha256);
        Assert.AreEqual(model.Answers[sentence], answer.Predictions[0].Probability);
    }
}
