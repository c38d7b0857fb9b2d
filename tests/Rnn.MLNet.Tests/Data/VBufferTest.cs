using Rnn.MLNet.Data;

namespace Rnn.MLNet.Tests.Data;

[TestClass]
public sealed class VBufferTest
{
    [TestMethod]
    public void Ctor_Dense_ExposesValuesAndItems()
    {
        var v = new VBuffer<float>(3, [1, 2, 3, 99]);

        Assert.IsTrue(v.IsDense);
        Assert.AreEqual(3, v.GetValues().Length);
        Assert.AreEqual(2f, v.GetItemOrDefault(1));
    }

    [TestMethod]
    public void DenseValues_Sparse_FillsDefaults()
    {
        var v = new VBuffer<float>(5, 2, [7, 9], [1, 3]);

        Assert.IsFalse(v.IsDense);
        CollectionAssert.AreEqual(new float[] { 0, 7, 0, 9, 0 }, v.DenseValues().ToArray());
    }

    [TestMethod]
    public void CopyTo_ReusesLargeEnoughDestination()
    {
        float[] storage = new float[10];
        var dst = new VBuffer<float>(10, storage);

        new VBuffer<float>(2, [4, 5]).CopyTo(ref dst);

        Assert.AreEqual(2, dst.Length);
        Assert.AreEqual(4f, storage[0]);
    }

    [TestMethod]
    public void Commit_DenseEditor_GivesWrittenValues()
    {
        VBuffer<int> v = default;
        VBufferEditor<int> editor = VBufferEditor.Create(ref v, 3);
        editor.Values[2] = 5;

        v = editor.Commit();

        CollectionAssert.AreEqual(new[] { 0, 0, 5 }, v.DenseValues().ToArray());
    }
}
