namespace Rnn.MLNet.Tests.TestKit;

/// <summary>
/// The contract every estimator must keep (ML.NET's TestEstimatorCore), on real ML.NET: the shape it promises is what it
/// produces, fit + transform work on valid data, invalid data is rejected with an ArgumentException or
/// InvalidOperationException, and save → load (in a fresh context, and in a fresh process) gives the same output and schema.
/// </summary>
internal static class EstimatorContract
{
    /// <param name="estimator">The estimator under test.</param>
    /// <param name="validData">Data it fits on.</param>
    /// <param name="invalidData">Data it must reject, or null.</param>
    /// <param name="tolerance">How far the fitted transformer's floats may be from the loaded one's: 0 for bit-identical;
    /// the recurrent predictor scores Transform in batches and the loaded model row by row (≤ 1e-6 apart).</param>
    public static TTransformer Verify<TTransformer>(IEstimator<TTransformer> estimator, IDataView validData, IDataView? invalidData = null, float tolerance = 0f)
        where TTransformer : class, ITransformer
    {
        // Schema propagation: the promised shape is what the transformer produces.
        SchemaShape promised = estimator.GetOutputSchema(Shapes.Of(validData.Schema));
        TTransformer model = estimator.Fit(validData);
        IDataView output = model.Transform(validData);
        var produced = Shapes.Of(output.Schema);
        CollectionAssert.AreEqual(promised.Select(Shapes.Text).ToList(), produced.Select(Shapes.Text).ToList(), "promised vs produced columns");
        Assert.AreEqual(ViewDump.SchemaText(output.Schema), ViewDump.SchemaText(model.GetOutputSchema(validData.Schema)));
        Assert.AreEqual(ViewDump.SchemaText(output.Schema), ViewDump.SchemaText(output.Preview(maxRows: 5).Schema));

        // Bad input is rejected by the estimator and by the fitted transformer.
        if (invalidData is not null)
        {
            AssertRejects(() => estimator.GetOutputSchema(Shapes.Of(invalidData.Schema)));
            AssertRejects(() => estimator.Fit(invalidData));
            AssertRejects(() => model.Transform(invalidData));
        }

        // Save -> load in a fresh context -> the same output; the same again in a fresh process, bit for bit.
        string zip = Path.Combine(Path.GetTempPath(), $"rnnml-contract-{Guid.NewGuid():N}.zip");
        try
        {
            new MLContext(seed: 123).Model.Save(model, validData.Schema, zip);
            ITransformer loaded = new MLContext().Model.Load(zip, out DataViewSchema inputSchema);
            Assert.AreEqual(ViewDump.SchemaText(validData.Schema), ViewDump.SchemaText(inputSchema));
            IDataView reloaded = loaded.Transform(validData);
            ViewDump.AssertClose(output, reloaded, tolerance);
            IDataView elsewhere = LoadHost.Transform(new MLContext(), zip, validData);
            Assert.AreEqual(ViewDump.SchemaText(reloaded.Schema), ViewDump.SchemaText(elsewhere.Schema));
            CollectionAssert.AreEqual(ViewDump.Dump(reloaded), ViewDump.Dump(elsewhere), "in-process load vs fresh-process load");
        }
        finally
        {
            File.Delete(zip);
        }
        return model;
    }

    private static void AssertRejects(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            Assert.IsFalse(string.IsNullOrWhiteSpace(e.Message));
            return;
        }
        Assert.Fail("invalid data was accepted");
    }
}
