using Rnn.MLNet.Data;
using Rnn.MLNet.Tests.TestKit;
using Rnn.MLNet.Tests.Text;

namespace Rnn.MLNet.Tests.Conversion;

[TestClass]
public sealed class ValueToKeyMappingTest
{
    private static readonly MLContext Ml = new(seed: 1);

    private static IDataView Tokens(params string[] texts)
    {
        IDataView data = TextNormalizingTest.Texts(texts);
        return Ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text").Fit(data).Transform(data);
    }

    [TestMethod]
    public void MapValueToKey_Contract_Holds() =>
        EstimatorContract.Verify(Ml.Transforms.Conversion.MapValueToKey("Tokens"), Tokens("b a c", "a d"), ColumnCopyingTestData.Points);

    [TestMethod]
    public void MapValueToKey_ScalarContract_Holds() =>
        EstimatorContract.Verify(Ml.Transforms.Conversion.MapValueToKey("K", "X", addKeyValueAnnotationsAsText: true), ColumnCopyingTestData.Points, TextNormalizingTest.Texts("a"));

    [TestMethod]
    public void MapValueToKey_ByOccurrence_KeysStartAtOneUnseenIsZero()
    {
        var model = Ml.Transforms.Conversion.MapValueToKey("Tokens").Fit(Tokens("b a c", "a d"));
        IDataView output = model.Transform(Tokens("a b zzz"));

        Assert.AreEqual(new VectorDataViewType(new KeyDataViewType(typeof(uint), 4)), output.Schema["Tokens"].Type);
        CollectionAssert.AreEqual(new uint[] { 2, 1, 0 }, Rows.Vectors<uint>(output, "Tokens")[0]);
    }

    [TestMethod]
    public void MapValueToKey_ByValue_KeysSorted()
    {
        var model = Ml.Transforms.Conversion.MapValueToKey("Tokens", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(Tokens("b a c"));

        CollectionAssert.AreEqual(new uint[] { 2, 1, 3 }, Rows.Vectors<uint>(model.Transform(Tokens("b a c")), "Tokens")[0]);
    }

    [TestMethod]
    public void MapValueToKey_KeyValuesAnnotation_HoldsTermsInKeyOrder()
    {
        IDataView output = Ml.Transforms.Conversion.MapValueToKey("Tokens").Fit(Tokens("b a")).Transform(Tokens("b a"));
        VBuffer<ReadOnlyMemory<char>> values = default;

        output.Schema["Tokens"].GetKeyValues(ref values);

        CollectionAssert.AreEqual(new[] { "b", "a" }, values.DenseValues().Select(v => v.ToString()).ToArray());
    }

    [TestMethod]
    public void MapValueToKey_MaximumNumberOfKeys_CapsDictionary()
    {
        var model = Ml.Transforms.Conversion.MapValueToKey("Tokens", maximumNumberOfKeys: 2).Fit(Tokens("a b c d"));

        CollectionAssert.AreEqual(new[] { 2 }, model.KeyCounts.ToArray());
    }

    [TestMethod]
    public void MapValueToKey_KeyData_UsesItsValues()
    {
        IDataView keys = Ml.Data.LoadFromEnumerable(new[] { new Word { Value = "x" }, new Word { Value = "a" } });
        var model = Ml.Transforms.Conversion.MapValueToKey("Tokens", keyData: keys).Fit(Tokens("a b"));

        CollectionAssert.AreEqual(new uint[] { 2, 0 }, Rows.Vectors<uint>(model.Transform(Tokens("a b")), "Tokens")[0]);
    }

    [TestMethod]
    public void MapValueToKey_EmptyView_ThrowsClearError()
    {
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Ml.Transforms.Conversion.MapValueToKey("Tokens").Fit(Tokens()));

        StringAssert.Contains(e.Message, "no rows");
    }

    [TestMethod]
    public void MapKeyToValue_AfterMapValueToKey_RestoresValues()
    {
        IDataView data = Tokens("b a c");
        var pipeline = Ml.Transforms.Conversion.MapValueToKey("Keys", "Tokens").Append(Ml.Transforms.Conversion.MapKeyToValue("Back", "Keys"));
        var model = EstimatorContract.Verify(pipeline, data, ColumnCopyingTestData.Points);

        CollectionAssert.AreEqual(new[] { "b", "a", "c" }, Rows.Vectors<ReadOnlyMemory<char>>(model.Transform(data), "Back")[0].Select(t => t.ToString()).ToArray());
    }

    [TestMethod]
    public void MapKeyToValue_NotAKey_ThrowsNamingColumn()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Ml.Transforms.Conversion.MapKeyToValue("V", "X").Fit(ColumnCopyingTestData.Points));

        StringAssert.Contains(e.Message, "'X'");
    }

    public sealed class Word
    {
        public string Value { get; set; } = "";
    }
}
