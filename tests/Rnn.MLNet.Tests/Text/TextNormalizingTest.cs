using Rnn.MLNet.Tests.Data;
using Rnn.MLNet.Tests.TestKit;

namespace Rnn.MLNet.Tests.Text;

[TestClass]
public sealed class TextNormalizingTest
{
    private static readonly MLContext Ml = new(seed: 1);

    internal static IDataView Texts(params string[] texts) =>
        Ml.Data.LoadFromEnumerable(texts.Select(t => new Review { Text = t }).ToArray());

    [TestMethod]
    public void NormalizeText_Contract_Holds() =>
        EstimatorContract.Verify(Ml.Transforms.Text.NormalizeText("N", "Text"), Texts("Héllo, World 42!", "ok"), ColumnCopyingTestData.Points);

    [TestMethod]
    public void NormalizeText_Defaults_LowerCaseWithoutDiacritics()
    {
        IDataView output = Ml.Transforms.Text.NormalizeText("N", "Text").Fit(Texts("Héllo, World 42!")).Transform(Texts("Héllo, World 42!"));

        Assert.AreEqual("hello, world 42!", Rows.Texts(output, "N")[0]);
    }

    [TestMethod]
    public void NormalizeText_DropPunctuationAndNumbers_RemovesThem()
    {
        var est = Ml.Transforms.Text.NormalizeText("N", "Text", Rnn.MLNet.TextNormalizingEstimator.CaseMode.Upper, keepDiacritics: true, keepPunctuations: false, keepNumbers: false);

        Assert.AreEqual("HÉLLO WORLD ", Rows.Texts(est.Fit(Texts("a")).Transform(Texts("Héllo, World 42!")), "N")[0]);
    }

    [TestMethod]
    public void NormalizeText_NumberColumn_ThrowsNamingColumn()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Ml.Transforms.Text.NormalizeText("N", "X").Fit(ColumnCopyingTestData.Points));

        StringAssert.Contains(e.Message, "Column 'X' has type Single, expected String");
    }
}

internal static class ColumnCopyingTestData
{
    public static IDataView Points => Rnn.MLNet.Tests.Transforms.ColumnCopyingTest.Points;
}
