using Rnn.MLNet.Data;

namespace Rnn.MLNet.Tests.Schema;

[TestClass]
public sealed class DataViewTypeTest
{
    [TestMethod]
    public void RawType_NumberTextBoolean_MatchDotNetTypes()
    {
        Assert.AreEqual(typeof(float), NumberDataViewType.Single.RawType);
        Assert.AreEqual(typeof(double), NumberDataViewType.Double.RawType);
        Assert.AreEqual(typeof(int), NumberDataViewType.Int32.RawType);
        Assert.AreEqual(typeof(long), NumberDataViewType.Int64.RawType);
        Assert.AreEqual(typeof(uint), NumberDataViewType.UInt32.RawType);
        Assert.AreEqual(typeof(ReadOnlyMemory<char>), TextDataViewType.Instance.RawType);
        Assert.AreEqual(typeof(bool), BooleanDataViewType.Instance.RawType);
    }

    [TestMethod]
    public void VectorType_KnownAndVariable_SizeAndEqualityHold()
    {
        var known = new VectorDataViewType(NumberDataViewType.Single, 3);
        var variable = new VectorDataViewType(NumberDataViewType.Single);

        Assert.IsTrue(known.IsKnownSize);
        Assert.AreEqual(3, known.Size);
        Assert.IsFalse(variable.IsKnownSize);
        Assert.AreEqual(typeof(VBuffer<float>), known.RawType);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 3), known);
        Assert.AreNotEqual<DataViewType>(known, variable);
        Assert.AreEqual(6, new VectorDataViewType(NumberDataViewType.Single, 2, 3).Size);
    }

    [TestMethod]
    public void KeyType_Count_ExposesCountRawTypeAndName()
    {
        var key = new KeyDataViewType(typeof(uint), 10);

        Assert.AreEqual(10UL, key.Count);
        Assert.AreEqual(typeof(uint), key.RawType);
        Assert.AreEqual(new KeyDataViewType(typeof(uint), 10UL), key);
        Assert.AreEqual("Key<UInt32, 0-9>", key.ToString());
    }

    [TestMethod]
    public void KeyType_InvalidArguments_Throw()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new KeyDataViewType(typeof(uint), 0));
        Assert.ThrowsExactly<ArgumentException>(() => new KeyDataViewType(typeof(int), 3));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new KeyDataViewType(typeof(byte), 300));
    }
}
