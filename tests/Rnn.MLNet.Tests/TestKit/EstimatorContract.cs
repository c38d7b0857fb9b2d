namespace Rnn.MLNet.Tests.TestKit;

/// <summary>
/// The contract every estimator must keep (ML.NET's TestEstimatorCore): the shape it promises matches what it
/// produces, fit + transform work on valid data, invalid data is rejected with an ArgumentException or
/// InvalidOperationException, and save → load in a fresh context gives identical output and schema.
/// </summary>
internal static class EstimatorContract
{
    public static TTransformer Verify<TTransformer>(IEstimator<TTransformer> estimator, IDataView validData, IDataView? invalidData = null)
        where TTransformer : class, ITransformer
    {
        // Schema propagation: the promised shape is what the transformer produces.
        SchemaShape promised = estimator.GetOutputSchema(SchemaShape.Create(validData.Schema));
        TTransformer model = estimator.Fit(validData);
        IDataView output = model.Transform(validData);
        foreach (SchemaShape.Column c in promised)
        {
            DataViewSchema.Column? actual = output.Schema.GetColumnOrNull(c.Name);
            Assert.IsNotNull(actual, $"promised column '{c.Name}' is missing from the output");
            SchemaShape.Column got = SchemaShape.Create(output.Schema).First(x => x.Name == c.Name);
            Assert.AreEqual(c.Kind, got.Kind, $"kind of '{c.Name}'");
            Assert.AreEqual(c.IsKey, got.IsKey, $"key-ness of '{c.Name}'");
            Assert.AreEqual(c.ItemType, got.ItemType, $"item type of '{c.Name}'");
        }
        Assert.AreEqual(promised.Count, SchemaShape.Create(output.Schema).Count, "output column count");
        Assert.AreEqual(ViewDump.SchemaText(output.Schema), ViewDump.SchemaText(model.GetOutputSchema(validData.Schema)));
        List<string> expected = ViewDump.Dump(output);

        // Bad input is rejected by the estimator and by the fitted transformer.
        if (invalidData is not null)
        {
            AssertRejects(() => estimator.GetOutputSchema(SchemaShape.Create(invalidData.Schema)));
            AssertRejects(() => estimator.Fit(invalidData));
            AssertRejects(() => model.Transform(invalidData));
        }

        // Save -> load in a fresh context -> identical output.
        using var stream = new MemoryStream();
        new MLContext(seed: 123).Model.Save(model, validData.Schema, stream);
        stream.Position = 0;
        ITransformer loaded = new MLContext().Model.Load(stream, out DataViewSchema inputSchema);
        Assert.AreEqual(ViewDump.SchemaText(validData.Schema), ViewDump.SchemaText(inputSchema));
        IDataView reloaded = loaded.Transform(validData);
        Assert.AreEqual(ViewDump.SchemaText(output.Schema), ViewDump.SchemaText(reloaded.Schema));
        CollectionAssert.AreEqual(expected, ViewDump.Dump(reloaded));
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
