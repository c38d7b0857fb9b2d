using Rnn.MLNet.Data;

namespace Rnn.MLNet.Tests.Schema;

[TestClass]
public sealed class DataViewSchemaTest
{
    [TestMethod]
    public void Indexer_DuplicateName_LaterColumnWinsEarlierHidden()
    {
        var b = new DataViewSchema.Builder();
        b.AddColumn("A", NumberDataViewType.Single);
        b.AddColumn("A", TextDataViewType.Instance);
        DataViewSchema schema = b.ToSchema();

        Assert.AreEqual(1, schema["A"].Index);
        Assert.IsTrue(schema[0].IsHidden);
        Assert.IsFalse(schema[1].IsHidden);
    }

    [TestMethod]
    public void Indexer_MissingName_ThrowsListingColumns()
    {
        var b = new DataViewSchema.Builder();
        b.AddColumn("A", NumberDataViewType.Single);

        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => b.ToSchema()["B"]);
        StringAssert.Contains(e.Message, "Column 'B' not found (columns: A)");
        Assert.IsNull(b.ToSchema().GetColumnOrNull("B"));
    }

    [TestMethod]
    public void Annotations_SlotNamesAndKeyValues_Readable()
    {
        var a = new DataViewSchema.Annotations.Builder();
        a.AddSlotNames(2, (ref VBuffer<ReadOnlyMemory<char>> v) => v = new VBuffer<ReadOnlyMemory<char>>(2, ["x".AsMemory(), "y".AsMemory()]));
        a.AddKeyValues(2, TextDataViewType.Instance, (ref VBuffer<ReadOnlyMemory<char>> v) => v = new VBuffer<ReadOnlyMemory<char>>(2, ["cat".AsMemory(), "dog".AsMemory()]));
        var b = new DataViewSchema.Builder();
        b.AddColumn("K", new VectorDataViewType(new KeyDataViewType(typeof(uint), 2), 2), a.ToAnnotations());
        DataViewSchema.Column column = b.ToSchema()["K"];

        VBuffer<ReadOnlyMemory<char>> slots = default, values = default;
        column.GetSlotNames(ref slots);
        column.GetKeyValues(ref values);

        Assert.IsTrue(column.HasSlotNames());
        Assert.IsTrue(column.HasKeyValues(TextDataViewType.Instance));
        Assert.AreEqual("y", slots.GetItemOrDefault(1).ToString());
        Assert.AreEqual("dog", values.GetItemOrDefault(1).ToString());
    }

    [TestMethod]
    public void Annotations_GetterOfWrongType_Throws()
    {
        var a = new DataViewSchema.Annotations.Builder();

        Assert.ThrowsExactly<ArgumentException>(() => a.Add<int>("X", NumberDataViewType.Single, (ref int v) => v = 1));
    }
}
