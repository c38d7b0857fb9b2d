namespace Rnn.MLNet.Tests.Catalogs;

/// <summary>An extension method from "another assembly", as Rnn.Pipelines will add trainers.</summary>
internal static class FakeTrainerExtensions
{
    public static int SeedForTrainer(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog) => catalog.Context.Seed ?? catalog.Context.NextSeed();
}

[TestClass]
public sealed class MLContextTest
{
    [TestMethod]
    public void Ctor_Seed_AllCatalogsShareTheContext()
    {
        var ml = new MLContext(seed: 5);

        Assert.AreSame(ml, ml.Data.Context);
        Assert.AreSame(ml, ml.Transforms.Text.Context);
        Assert.AreSame(ml, ml.Transforms.Conversion.Context);
        Assert.AreSame(ml, ml.Transforms.Sequence.Context);
        Assert.AreSame(ml, ml.BinaryClassification.Trainers.Context);
        Assert.AreSame(ml, ml.MulticlassClassification.Trainers.Context);
        Assert.AreSame(ml, ml.Regression.Trainers.Context);
        Assert.AreSame(ml, ml.Forecasting.Context);
        Assert.AreSame(ml, ml.TextGeneration.Trainers.Context);
        Assert.AreSame(ml, ml.Model.Context);
    }

    [TestMethod]
    public void TrainersCatalog_ExtensionMethod_ReachesSeed() =>
        Assert.AreEqual(5, new MLContext(seed: 5).BinaryClassification.Trainers.SeedForTrainer());

    [TestMethod]
    public void NextSeed_SeededContexts_SameSequence()
    {
        var a = new MLContext(seed: 9);
        var b = new MLContext(seed: 9);

        Assert.AreEqual(a.NextSeed(), b.NextSeed());
        Assert.AreEqual(a.NextSeed(), b.NextSeed());
    }
}
