using Rnn.MLNet.Tests.Data;
using Rnn.MLNet.Tests.TestKit;

namespace Rnn.MLNet.Tests.Transforms;

[TestClass]
public sealed class EstimatorChainTest
{
    private static readonly MLContext Ml = new(seed: 1);

    [TestMethod]
    public void Append_ThreeSteps_FitsInOrderAndTypesLastTransformer()
    {
        IDataView data = Ml.Data.LoadFromEnumerable(new[] { new Review { Text = "Good Food" } });
        EstimatorChain<ValueToKeyMappingTransformer> pipeline = Ml.Transforms.Text.NormalizeText("N", "Text")
            .Append(Ml.Transforms.Text.TokenizeIntoWords("Tokens", "N"))
            .Append(Ml.Transforms.Conversion.MapValueToKey("Tokens"));

        TransformerChain<ValueToKeyMappingTransformer> model = pipeline.Fit(data);

        Assert.HasCount(3, model);
        CollectionAssert.AreEqual(new[] { 2 }, model.LastTransformer.KeyCounts.ToArray());
        CollectionAssert.AreEqual(new uint[] { 1, 2 }, Rows.Vectors<uint>(model.Transform(data), "Tokens")[0]);
    }

    [TestMethod]
    public void Fit_BadInputForLaterStep_ThrowsBeforeTraining()
    {
        IDataView data = Ml.Data.LoadFromEnumerable(new[] { new Review { Text = "a" } });
        var pipeline = Ml.Transforms.CopyColumns("C", "Text").Append(Ml.Transforms.NormalizeMinMax("C"));

        var e = Assert.ThrowsExactly<ArgumentException>(() => pipeline.Fit(data));
        StringAssert.Contains(e.Message, "Column 'C' has type String");
    }

    [TestMethod]
    public void GetRowToRowMapper_Chain_ComputesOnlyNeededColumns()
    {
        IDataView data = Ml.Data.LoadFromEnumerable(new[] { new Review { Text = "a b" } });
        var model = Ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text").Append(Ml.Transforms.CopyColumns("Copy", "Label")).Fit(data);
        IRowToRowMapper mapper = model.GetRowToRowMapper(data.Schema);

        string[] needed = mapper.GetDependencies([mapper.OutputSchema["Copy"]]).Select(c => c.Name).ToArray();

        CollectionAssert.AreEqual(new[] { "Label" }, needed);
    }

    [TestMethod]
    public void TransformerChain_Empty_IsIdentity()
    {
        IDataView data = Ml.Data.LoadFromEnumerable(new[] { new Review { Text = "a" } });

        TransformerChain<ITransformer> model = new EstimatorChain<ITransformer>().Fit(data);

        Assert.AreSame(data, model.Transform(data));
    }
}
