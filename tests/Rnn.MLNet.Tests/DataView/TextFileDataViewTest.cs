using Rnn.MLNet.Data;
using Rnn.MLNet.Tests.Data;
using Rnn.MLNet.Tests.TestKit;

namespace Rnn.MLNet.Tests.DataView;

[TestClass]
public sealed class TextFileDataViewTest
{
    public sealed class Numbers
    {
        [LoadColumn(0)]
        public float A { get; set; }

        [LoadColumn(1)]
        public double B { get; set; }

        [LoadColumn(2)]
        public int C { get; set; }

        [LoadColumn(3)]
        public bool D { get; set; }
    }

    public sealed class Wide
    {
        [LoadColumn(0, 2)]
        public float[] V { get; set; } = [];

        [LoadColumn(3)]
        public string Name { get; set; } = "";
    }

    public sealed class Keyed
    {
        [LoadColumn(0), KeyType(3)]
        public uint K { get; set; }
    }

    [TestMethod]
    public void LoadFromTextFile_Defaults_TabSeparatedNoHeader()
    {
        using var file = new TempFile("good food\ttrue\nbad food\tfalse\n");
        IDataView view = new MLContext().Data.LoadFromTextFile<Review>(file.Path);

        CollectionAssert.AreEqual(new[] { "good food", "bad food" }, Rows.Texts(view, "Text"));
        CollectionAssert.AreEqual(new[] { true, false }, Rows.Column<bool>(view, "Label"));
    }

    [TestMethod]
    public void LoadFromTextFile_InvariantNumbersAndBooleans_Parse()
    {
        using var file = new TempFile("1.5,2.25,-3,1\n,1e3,0,0\n?,0.5,7,TRUE\n");
        IDataView view = new MLContext().Data.LoadFromTextFile<Numbers>(file.Path, separatorChar: ',');

        List<float> a = Rows.Column<float>(view, "A");
        Assert.AreEqual(1.5f, a[0]);
        Assert.IsTrue(float.IsNaN(a[1]) && float.IsNaN(a[2]));
        CollectionAssert.AreEqual(new[] { 2.25, 1000, 0.5 }, Rows.Column<double>(view, "B"));
        CollectionAssert.AreEqual(new[] { -3, 0, 7 }, Rows.Column<int>(view, "C"));
        CollectionAssert.AreEqual(new[] { true, false, true }, Rows.Column<bool>(view, "D"));
    }

    [TestMethod]
    public void LoadFromTextFile_BadBoolean_ThrowsWithLineAndColumn()
    {
        using var file = new TempFile("1,2,3,1\n1,2,3,maybe\n");
        IDataView view = new MLContext().Data.LoadFromTextFile<Numbers>(file.Path, separatorChar: ',');

        var e = Assert.ThrowsExactly<FormatException>(() => Rows.Column<bool>(view, "D"));
        StringAssert.Contains(e.Message, "line 2");
        StringAssert.Contains(e.Message, "'D'");
    }

    [TestMethod]
    public void LoadFromTextFile_HeaderAndQuotes_HeaderSkippedQuotesHonoured()
    {
        using var file = new TempFile("text,label\n\"good, really \"\"good\"\"\",1\nplain,0\n");
        IDataView view = new MLContext().Data.LoadFromTextFile<Review>(file.Path, separatorChar: ',', hasHeader: true, allowQuoting: true);

        CollectionAssert.AreEqual(new[] { "good, really \"good\"", "plain" }, Rows.Texts(view, "Text"));
    }

    [TestMethod]
    public void LoadFromTextFile_QuotesWithoutAllowQuoting_AreOrdinaryCharacters()
    {
        using var file = new TempFile("\"hi\"\t1\n");
        IDataView view = new MLContext().Data.LoadFromTextFile<Review>(file.Path);

        CollectionAssert.AreEqual(new[] { "\"hi\"" }, Rows.Texts(view, "Text"));
    }

    [TestMethod]
    public void LoadFromTextFile_TooFewFields_ThrowsWithFileAndLine()
    {
        using var file = new TempFile("a\t1\nb\t0\nc\n");
        IDataView view = new MLContext().Data.LoadFromTextFile<Review>(file.Path);

        var e = Assert.ThrowsExactly<FormatException>(() => Rows.Texts(view, "Text"));
        StringAssert.Contains(e.Message, $"{file.Path} line 3: expected 2 fields, found 1");
    }

    [TestMethod]
    public void LoadFromTextFile_TrimWhitespace_RemovesTrailingWhitespace()
    {
        using var file = new TempFile("a\t1   \n");
        IDataView view = new MLContext().Data.LoadFromTextFile<Review>(file.Path, trimWhitespace: true);

        CollectionAssert.AreEqual(new[] { true }, Rows.Column<bool>(view, "Label"));
    }

    [TestMethod]
    public void LoadFromTextFile_RangeColumn_LoadsVector()
    {
        using var file = new TempFile("1\t2\t3\tx\n");
        IDataView view = new MLContext().Data.LoadFromTextFile<Wide>(file.Path);

        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 3), view.Schema["V"].Type);
        CollectionAssert.AreEqual(new float[] { 1, 2, 3 }, Rows.Vectors<float>(view, "V")[0]);
    }

    [TestMethod]
    public void LoadFromTextFile_KeyColumn_OutOfRangeIsMissing()
    {
        using var file = new TempFile("1\n3\n4\n0\n");
        IDataView view = new MLContext().Data.LoadFromTextFile<Keyed>(file.Path);

        Assert.AreEqual(new KeyDataViewType(typeof(uint), 3), view.Schema["K"].Type);
        CollectionAssert.AreEqual(new uint[] { 1, 3, 0, 0 }, Rows.Column<uint>(view, "K"));
    }

    [TestMethod]
    public void LoadFromTextFile_MissingFile_ThrowsFileNotFound() =>
        Assert.ThrowsExactly<FileNotFoundException>(() => new MLContext().Data.LoadFromTextFile<Review>("no-such-file.tsv"));

    [TestMethod]
    public void GetRowCursor_LargeFile_ReadsOnlyWhatTheCursorNeeds()
    {
        var counting = new CountingStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("some text\t1\n", 200_000)))));
        var view = new TextFileDataView("big.tsv", () => counting,
            [new TextColumnSpec("Text", TextDataViewType.Instance, [0])], new TextFileOptions('\t', false, false, false));

        using DataViewRowCursor cursor = view.GetRowCursor(view.Schema);
        for (int i = 0; i < 10; i++)
            cursor.MoveNext();

        Assert.IsLessThan(64 * 1024, counting.BytesRead);
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = inner.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
