using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.MLNet;

namespace Rnn.Onnx.Tests.MLNet;

[TestClass]
public sealed class RecurrentOnnxInputsTest
{
    public sealed class Line
    {
        public string Text { get; set; } = "";
    }

    public sealed class Inputs
    {
        [ColumnName(RecurrentOnnx.TokensInput)]
        public long[] Tokens { get; set; } = [];

        [ColumnName(RecurrentOnnx.LengthsInput), VectorType(1)]
        public long[] Lengths { get; set; } = [];
    }

    [TestMethod]
    public void RecurrentOnnxTokenInputs_KeysAndEmptyRow_IdsAreKeysAndEmptyIsOneMissingToken()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[] { new Line { Text = "b a b" }, new Line { Text = "" }, new Line { Text = "c" } });
        var view = ml.Transforms.Text.TokenizeIntoWords("Tokens", nameof(Line.Text))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Append(ml.Transforms.RecurrentOnnxTokenInputs("Tokens"))
            .Fit(data).Transform(data);
        var rows = ml.Data.CreateEnumerable<Inputs>(view, reuseRowObject: false).ToList();
        CollectionAssert.AreEqual(new long[] { 1, 2, 1 }, rows[0].Tokens); // keys in order of appearance: b = 1, a = 2
        CollectionAssert.AreEqual(new long[] { 3 }, rows[0].Lengths);
        CollectionAssert.AreEqual(new long[] { 0 }, rows[1].Tokens);
        CollectionAssert.AreEqual(new long[] { 1 }, rows[1].Lengths);
        CollectionAssert.AreEqual(new long[] { 3 }, rows[2].Tokens);
        Assert.IsNull(view.Schema.GetColumnOrNull("__rnnml_onnx_keys"), "the helper's own column is dropped");
    }
}
