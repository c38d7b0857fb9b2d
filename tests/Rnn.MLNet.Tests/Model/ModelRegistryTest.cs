namespace Rnn.MLNet.Tests.Model;

[TestClass]
public sealed class ModelRegistryTest
{
    [TestMethod]
    public void IsRegistered_BuiltInIds_AreRegistered()
    {
        foreach (string id in new[] { "Rnn.CopyColumns", "Rnn.Concatenate", "Rnn.SelectColumns", "Rnn.Normalize", "Rnn.MapValueToKey", "Rnn.MapKeyToValue", "Rnn.NormalizeText", "Rnn.TokenizeIntoWords", "Rnn.TokenizeIntoCharactersAsKeys" })
            Assert.IsTrue(ModelRegistry.IsRegistered(id), id);
    }

    [TestMethod]
    public void IsRegistered_IdFromModuleInitializerOfAnotherAssembly_IsRegistered() =>
        // TestKit.CentroidTransformer.Register is a [ModuleInitializer] of this test assembly: it ran when the assembly loaded.
        Assert.IsTrue(ModelRegistry.IsRegistered(TestKit.CentroidTransformer.TypeId));

    [TestMethod]
    public void IsRegistered_IdOfNotYetLoadedCompanion_LoadsItByNameAndFindsIt()
    {
        // As an app that references Rnn.Pipelines but only calls ml.Model.Load: the assembly is deployed, not loaded.
        const string companion = "Rnn.MLNet.Tests.Companion";
        Assert.IsFalse(AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == companion));
        ModelRegistry.CompanionAssemblies.Add(companion);
        ModelRegistry.ResetCompanionsForTest();
        try
        {
            Assert.IsTrue(ModelRegistry.IsRegistered("Tests.Companion.Identity"));
        }
        finally
        {
            ModelRegistry.CompanionAssemblies.Remove(companion);
        }
    }

    [TestMethod]
    public void IsRegistered_UnknownId_LoadsCompanionsOnceThenFalse()
    {
        ModelRegistry.ResetCompanionsForTest();

        Assert.IsFalse(ModelRegistry.IsRegistered("Nobody.Registered.This"));
        Assert.IsFalse(ModelRegistry.IsRegistered("Nobody.Registered.This"));
    }

    [TestMethod]
    public void Register_InvalidArguments_Throw()
    {
        Assert.ThrowsExactly<ArgumentException>(() => ModelRegistry.Register("", 1, _ => null!));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ModelRegistry.Register("X", 0, _ => null!));
        Assert.ThrowsExactly<ArgumentNullException>(() => ModelRegistry.Register("X", 1, null!));
    }
}
