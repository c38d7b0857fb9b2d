using Rnn.MLNet.Data;
using Rnn.MLNet.Tests.TestKit;

namespace Rnn.MLNet.Tests.Text;

[TestClass]
public sealed class WordTokenizingTest
{
    private static readonly MLContext Ml = new(seed: 1);

    [TestMethod]
    public void TokenizeIntoWords_Contract_Holds() =>
        EstimatorContract.Verify(Ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text"), TextNormalizingTest.Texts("the  food was great", ""), ColumnCopyingTestData.Points);

    [TestMethod]
    public void TokenizeIntoWords_DefaultSeparator_SplitsOnSpacesDroppingEmpty()
    {
        IDataView data = TextNormalizingTest.Texts(" the  food was great ");
        IDataView output = Ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text").Fit(data).Transform(data);

        Assert.AreEqual(new VectorDataViewType(TextDataViewType.Instance), output.Schema["Tokens"].Type);
        CollectionAssert.AreEqual(new[] { "the", "food", "was", "great" }, Rows.Vectors<ReadOnlyMemory<char>>(output, "Tokens")[0].Select(t => t.ToString()).ToArray());
    }

    [TestMethod]
    public void TokenizeIntoWords_CustomSeparators_SplitsOnEach()
    {
        IDataView data = TextNormalizingTest.Texts("a,b;c");
        IDataView output = Ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text", [',', ';']).Fit(data).Transform(data);

        Assert.HasCount(3, Rows.Vectors<ReadOnlyMemory<char>>(output, "Tokens")[0]);
    }
}
