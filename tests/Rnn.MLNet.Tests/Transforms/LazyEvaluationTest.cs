using Rnn.MLNet.Tests.TestKit;

namespace Rnn.MLNet.Tests.Transforms;

[TestClass]
public sealed class LazyEvaluationTest
{
    private sealed class Counter
    {
        public int Reads;
    }

    private sealed class Row
    {
        private readonly Counter _counter;
        private readonly string _text;

        public Row(Counter counter, string text)
        {
            _counter = counter;
            _text = text;
        }

        public string Text
        {
            get
            {
                _counter.Reads++;
                return _text;
            }
        }
    }

    [TestMethod]
    public void Transform_NoCursor_ReadsNothing()
    {
        var ml = new MLContext();
        var counter = new Counter();
        IDataView data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 100).Select(i => new Row(counter, "word " + i)).ToArray());
        ITransformer model = ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text").Fit(data);

        IDataView output = model.Transform(data);
        _ = output.Schema;

        Assert.AreEqual(0, counter.Reads);
    }

    [TestMethod]
    public void Transform_CursorOverTwoRows_ReadsTwoValues()
    {
        var ml = new MLContext();
        var counter = new Counter();
        IDataView data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 100).Select(i => new Row(counter, "word " + i)).ToArray());
        IDataView output = ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text").Fit(data).Transform(data);

        using DataViewRowCursor cursor = output.GetRowCursor([output.Schema["Tokens"]]);
        ValueGetter<Rnn.MLNet.Data.VBuffer<ReadOnlyMemory<char>>> get = cursor.GetGetter<Rnn.MLNet.Data.VBuffer<ReadOnlyMemory<char>>>(output.Schema["Tokens"]);
        Rnn.MLNet.Data.VBuffer<ReadOnlyMemory<char>> tokens = default;
        for (int i = 0; i < 2; i++)
        {
            cursor.MoveNext();
            get(ref tokens);
        }

        Assert.AreEqual(2, counter.Reads);
    }

    [TestMethod]
    public void Transform_UnrequestedOutput_IsNotComputed()
    {
        var ml = new MLContext();
        var counter = new Counter();
        IDataView data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(i => new Row(counter, "w")).ToArray());
        IDataView output = ml.Transforms.CopyColumns("Copy", "Text").Fit(data).Transform(data);

        using DataViewRowCursor cursor = output.GetRowCursor([]);
        while (cursor.MoveNext())
        {
        }

        Assert.AreEqual(0, counter.Reads);
        Assert.IsFalse(cursor.IsColumnActive(output.Schema["Copy"]));
    }
}
