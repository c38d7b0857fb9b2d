namespace Rnn.MLNet.Tests.Trainers;

/// <summary>
/// <see cref="RecurrentTrainerOptions.Backend"/> in an application without Rnn.TorchSharp (this test project does not
/// reference it): the managed default never looks for libtorch, and asking for TorchSharp fails at Fit with a message
/// naming the packages to reference.
/// </summary>
[TestClass]
public sealed class RecurrentBackendTest
{
    public sealed class Review
    {
        public string Text { get; set; } = "";

        public bool Label { get; set; }
    }

    private static IEstimator<ITransformer> Pipeline(MLContext ml, RecurrentBackend backend) =>
        ml.Transforms.Text.TokenizeIntoWords("Tokens", nameof(Review.Text))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Append(ml.BinaryClassification.Trainers.Recurrent(new RecurrentTrainerOptions
            {
                FeatureColumnName = "Tokens", HiddenSize = 4, EmbeddingSize = 4, Epochs = 1, Seed = 1, Backend = backend,
            }));

    private static IDataView Data(MLContext ml) =>
        ml.Data.LoadFromEnumerable(new[] { new Review { Text = "good food", Label = true }, new Review { Text = "bad service" } });

    [TestMethod]
    public void Fit_TorchSharpWithoutRnnTorchSharp_ThrowsNamingThePackage()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Pipeline(ml, RecurrentBackend.TorchSharp).Fit(Data(ml)));
        StringAssert.Contains(e.Message, "Rnn.TorchSharp");
        StringAssert.Contains(e.Message, "TorchSharp-cpu");
    }

    [TestMethod]
    public void Fit_ManagedDefault_NeedsNoTorchSharp()
    {
        var ml = new MLContext(seed: 1);
        Assert.AreEqual(RecurrentBackend.Managed, new RecurrentTrainerOptions().Backend);
        var model = Pipeline(ml, RecurrentBackend.Managed).Fit(Data(ml));
        Assert.IsNotNull(model);
        Assert.IsFalse(AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name is "TorchSharp" or "Rnn.TorchSharp"));
    }
}
