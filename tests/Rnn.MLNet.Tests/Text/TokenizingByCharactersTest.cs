using Rnn.MLNet.Data;
using Rnn.MLNet.Tests.TestKit;

namespace Rnn.MLNet.Tests.Text;

[TestClass]
public sealed class TokenizingByCharactersTest
{
    private static readonly MLContext Ml = new(seed: 1);

    [TestMethod]
    public void TokenizeIntoCharactersAsKeys_Contract_Holds() =>
        EstimatorContract.Verify(Ml.Transforms.Text.TokenizeIntoCharactersAsKeys("Chars", "Text"), TextNormalizingTest.Texts("ab", ""), ColumnCopyingTestData.Points);

    [TestMethod]
    public void TokenizeIntoCharactersAsKeys_Markers_KeysAreCharPlusOneWithKeyValues()
    {
        IDataView data = TextNormalizingTest.Texts("ab");
        IDataView output = Ml.Transforms.Text.TokenizeIntoCharactersAsKeys("Chars", "Text").Fit(data).Transform(data);

        CollectionAssert.AreEqual(new ushort[] { 3, 'a' + 1, 'b' + 1, 4 }, Rows.Vectors<ushort>(output, "Chars")[0]);
        VBuffer<ReadOnlyMemory<char>> values = default;
        output.Schema["Chars"].GetKeyValues(ref values);
        Assert.AreEqual("a", values.GetItemOrDefault('a' + 1 - 1).ToString());
    }
}
