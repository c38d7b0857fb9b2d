using System.Buffers.Binary;
using System.Text;
using Rnn.Core.Layers;
using Rnn.Core.Serialization;
using Rnn.Core.Tests.TestSupport;

namespace Rnn.Core.Tests.Serialization;

[TestClass]
public sealed class SafeTensorsTest
{
    // Written by torch 1.13 + json/struct exactly as the Python `safetensors` library lays files out (sorted names,
    // compact JSON, {"format":"pt"} metadata, space padding): w32 F32 [2,3], h16 F16 [3], b16 BF16 [3], d64 F64 [2,1], scalar F32 [].
    private const string TorchFixture =
        "SAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJiMTYiOnsiZHR5cGUiOiJCRjE2Iiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMCw2XX0sImQ2NCI6eyJkdHlwZSI6IkY2NCIsInNoYXBlIjpbMiwxXSwiZGF0YV9vZmZzZXRzIjpbNiwyMl19LCJoMTYiOnsiZHR5cGUiOiJGMTYiLCJzaGFwZSI6WzNdLCJkYXRhX29mZnNldHMiOlsyMiwyOF19LCJzY2FsYXIiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6W10sImRhdGFfb2Zmc2V0cyI6WzI4LDMyXX0sInczMiI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMiwzXSwiZGF0YV9vZmZzZXRzIjpbMzIsNTZdfX0gICAgICAgSUAAvxVQmpmZmZmZuT+cV3cnJmyhNwA+AMBUNQAAgEAAAMA/AAAQwAAAQEDNzMw9bxKDOgAA4MA=";

    public TestContext TestContext { get; set; } = null!;

    private string TempPath(string name) => Path.Combine(TestContext.TestRunDirectory ?? Path.GetTempPath(), $"{TestContext.TestName}-{name}");

    [TestMethod]
    public void Load_TorchWrittenFile_ConvertsEveryDtypeToFloat32()
    {
        var tensors = SafeTensors.Load(new MemoryStream(Convert.FromBase64String(TorchFixture)), out var metadata, "fixture");
        CollectionAssert.AreEqual(new[] { "b16", "d64", "h16", "scalar", "w32" }, tensors.Keys.ToArray());
        Assert.AreEqual("pt", metadata["format"]);
        Assert.AreEqual("(2, 3)", tensors["w32"].ShapeString);
        CollectionAssert.AreEqual(new[] { 1.5f, -2.25f, 3.0f, 0.1f, 0.001f, -7.0f }, tensors["w32"].Span.ToArray());
        CollectionAssert.AreEqual(new[] { 1.5f, -2.0f, 0.3330078125f }, tensors["h16"].Span.ToArray());
        CollectionAssert.AreEqual(new[] { 3.140625f, -0.5f, 9999220736.0f }, tensors["b16"].Span.ToArray());
        Assert.AreEqual("(2, 1)", tensors["d64"].ShapeString);
        CollectionAssert.AreEqual(new[] { 0.1f, (float)1e-40 }, tensors["d64"].Span.ToArray());
        Assert.AreEqual(0, tensors["scalar"].Rank);
        Assert.AreEqual(4f, tensors["scalar"].Span[0]);
    }

    [TestMethod]
    public void Save_OneTensor_WritesExactBytes()
    {
        var stream = new MemoryStream();
        SafeTensors.Save(stream, [KeyValuePair.Create("a", Tensor.From([1f, -2f], 2))]);
        byte[] data = [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0]; // 1f, -2f little-endian
        // The checksum: SHA-256 of the other metadata (none), then each tensor's name, 0, shape "2", 0 and its bytes.
        string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData([.. "a\0"u8, .. "2\0"u8, .. data]));
        string json = "{\"__metadata__\":{\"rnnml.sha256\":\"" + sha + "\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        json += new string(' ', (8 - json.Length % 8) % 8);
        var expected = new List<byte>();
        expected.AddRange(BitConverter.GetBytes((ulong)json.Length));
        expected.AddRange(Encoding.UTF8.GetBytes(json));
        expected.AddRange(data);
        CollectionAssert.AreEqual(expected.ToArray(), stream.ToArray());
        Assert.AreEqual(0, (8 + json.Length) % 8);
    }

    // Regression (fuzzing, issue 16): a flipped bit in a weight, or two same-shape tensors swapped, loaded silently as
    // another valid model. The writer's content checksum now makes both an InvalidDataException.
    [TestMethod]
    [DataRow("flip"), DataRow("swap"), DataRow("metadata"), DataRow("checksum key")]
    public void Load_ContentChangedAfterSaving_ThrowsNamingTheChecksum(string change)
    {
        var stream = new MemoryStream();
        SafeTensors.Save(stream, [KeyValuePair.Create("a", Tensor.From([1f, 2f], 2)), KeyValuePair.Create("b", Tensor.From([3f, 4f], 2))],
            new Dictionary<string, string> { ["note"] = "x" });
        byte[] bytes = stream.ToArray();
        string text = Encoding.Latin1.GetString(bytes);
        bytes = change switch
        {
            "flip" => Flip(bytes, bytes.Length - 1, 0x01),
            "swap" => Encoding.Latin1.GetBytes(text.Replace("\"a\"", "\"t\"", StringComparison.Ordinal).Replace("\"b\"", "\"a\"", StringComparison.Ordinal).Replace("\"t\"", "\"b\"", StringComparison.Ordinal)),
            // Regression (fuzzing, full run): the checksum's key name damaged as well as a weight loaded unchecked.
            "checksum key" => Flip(Encoding.Latin1.GetBytes(text.Replace("rnnml.sha256", "rnnml.sha2v6", StringComparison.Ordinal)), bytes.Length - 1, 0x01),
            _ => Encoding.Latin1.GetBytes(text.Replace("\"note\":\"x\"", "\"note\":\"y\"", StringComparison.Ordinal)),
        };
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensors.Load(new MemoryStream(bytes), "damaged"));
        StringAssert.Contains(ex.Message, "rnnml.sha2");

        static byte[] Flip(byte[] b, int at, byte mask)
        {
            b[at] ^= mask;
            return b;
        }
    }

    [TestMethod]
    public void Load_SavedWithMetadata_ReturnsItWithoutTheChecksum()
    {
        var stream = new MemoryStream();
        SafeTensors.Save(stream, [KeyValuePair.Create("a", Tensor.From([1f], 1))], new Dictionary<string, string> { ["note"] = "x" });
        stream.Position = 0;
        SafeTensors.Load(stream, out var metadata);
        CollectionAssert.AreEquivalent(new[] { "note" }, metadata.Keys.ToArray());
    }

    // Regression (fuzzing, issue 16): invalid UTF-8 in the header escaped as InvalidOperationException (DecoderFallbackException inside).
    [TestMethod]
    public void Load_HeaderNotUtf8_ThrowsInvalidData()
    {
        byte[] json = [.. "{\"a\xFF\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}"u8];
        json[3] = 0xFF; // replace the escaped byte with a lone 0xFF
        var bytes = new List<byte>(BitConverter.GetBytes((ulong)json.Length));
        bytes.AddRange(json);
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensors.Load(new MemoryStream(bytes.ToArray()), "bad"));
        StringAssert.Contains(ex.Message, "UTF-8");
    }

    [TestMethod]
    public void Save_ThenLoad_RoundTripsOrderShapesValuesAndMetadata()
    {
        var tensors = new List<KeyValuePair<string, Tensor>>
        {
            new("z.weight", Tensor.From(GradCheck.RandomValues(12, 1), 3, 4)),
            new("a.bias", Tensor.From(GradCheck.RandomValues(5, 2), 5)),
            new("empty", new Tensor(0, 3)),
            new("scalar", Tensor.From([float.MaxValue], [])),
            new("unicodé", Tensor.From([float.Epsilon, -0f], 1, 2)),
        };
        string path = TempPath("round.safetensors");
        SafeTensors.Save(path, tensors, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "é \"quoted\"" });
        var loaded = SafeTensors.Load(path, out var metadata);
        CollectionAssert.AreEqual(tensors.Select(t => t.Key).ToArray(), loaded.Keys.ToArray());
        foreach (var (name, tensor) in tensors)
        {
            Assert.AreEqual(tensor.ShapeString, loaded[name].ShapeString, name);
            CollectionAssert.AreEqual(tensor.Span.ToArray(), loaded[name].Span.ToArray(), name);
        }
        Assert.AreEqual("é \"quoted\"", metadata["note"]);
        Assert.AreEqual(0, new FileInfo(path).Length % 4);
        Assert.IsFalse(File.Exists(path + ".tmp"));
    }

    [TestMethod]
    public void Load_NonSeekableStream_ReadsAll()
    {
        var stream = new MemoryStream();
        SafeTensors.Save(stream, [KeyValuePair.Create("x", Tensor.From([1f, 2f, 3f], 3))]);
        var loaded = SafeTensors.Load(new NonSeekableStream(stream.ToArray()));
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f }, loaded["x"].Span.ToArray());
    }

    [TestMethod]
    public void Save_DuplicateOrReservedName_Throws()
    {
        var t = new Tensor(1);
        Assert.ThrowsExactly<ArgumentException>(() => SafeTensors.Save(new MemoryStream(), [KeyValuePair.Create("a", t), KeyValuePair.Create("a", t)]));
        Assert.ThrowsExactly<ArgumentException>(() => SafeTensors.Save(new MemoryStream(), [KeyValuePair.Create("__metadata__", t)]));
    }

    // ------------------------------------------------------------ hostile input

    public static IEnumerable<object[]> HostileHeaders()
    {
        const string ok = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        yield return ["bad JSON", """{"a":{"dtype":"F32",""", 8, "not valid JSON"];
        yield return ["array root", "[1,2]", 0, "must be a JSON object"];
        yield return ["unknown dtype", """{"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}""", 8, "unknown dtype 'F33'"];
        yield return ["unsupported dtype", """{"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}""", 8, "dtype I64 is not supported"];
        yield return ["shape/offset mismatch", """{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8, "needs 12 bytes"];
        yield return ["negative dim", """{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", 8, "dimension 0 is negative"];
        yield return ["fractional dim", """{"a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}""", 8, "shape[0] is not an integer"];
        yield return ["count overflow", """{"a":{"dtype":"F32","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,8]}}""", 8, "overflows"];
        yield return ["huge count", """{"a":{"dtype":"F32","shape":[2147483647,2],"data_offsets":[0,17179869176]}}""", 8, "exceed the largest array"];
        yield return ["overlap", "{\"a\":" + ok + ""","b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "overlaps tensor 'a'"];
        yield return ["gap", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "belong to no tensor"];
        yield return ["beyond data", """{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8, "cover 16 data bytes but 8 bytes follow"];
        yield return ["trailing bytes", "{\"a\":" + ok + "}", 12, "cover 8 data bytes but 12 bytes follow"];
        yield return ["reversed offsets", """{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}""", 8, "0 ≤ begin ≤ end"];
        yield return ["duplicate name", "{\"a\":" + ok + ",\"a\":" + ok + "}", 8, "names 'a' twice"];
        yield return ["metadata not strings", "{\"__metadata__\":{\"n\":1},\"a\":" + ok + "}", 8, "must be a string"];
        yield return ["missing dtype", """{"a":{"shape":[2],"data_offsets":[0,8]}}""", 8, "missing string 'dtype'"];
    }

    [TestMethod]
    [DynamicData(nameof(HostileHeaders))]
    public void Load_HostileHeader_ThrowsInvalidDataNamingSourceAndProblem(string scenario, string header, int dataBytes, string problem)
    {
        var bytes = RawFile(Encoding.UTF8.GetBytes(header), new byte[dataBytes]);
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensors.Load(new MemoryStream(bytes), "evil.safetensors"), scenario);
        StringAssert.Contains(ex.Message, "evil.safetensors", scenario);
        StringAssert.Contains(ex.Message, problem, scenario);
    }

    [TestMethod]
    public void Load_HeaderLengthBeyondFile_Throws()
    {
        var bytes = RawFile(Encoding.UTF8.GetBytes("{}"), [], headerLength: 1000);
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensors.Load(new MemoryStream(bytes), "short.safetensors"));
        StringAssert.Contains(ex.Message, "header length 1000 is larger than the 2 bytes");
    }

    [TestMethod]
    public void Load_HeaderLengthOverLimit_ThrowsWithoutAllocating()
    {
        var bytes = RawFile(Encoding.UTF8.GetBytes("{}"), [], headerLength: ulong.MaxValue);
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensors.Load(new NonSeekableStream(bytes), "huge.safetensors"));
        StringAssert.Contains(ex.Message, "exceeds the limit of 100000000 bytes");
    }

    [TestMethod]
    public void Load_TooShortForLength_Throws()
    {
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensors.Load(new MemoryStream([1, 2, 3]), "tiny"));
        StringAssert.Contains(ex.Message, "too short");
    }

    [TestMethod]
    public void Load_EmptyHeaderObject_NoTensors()
    {
        var loaded = SafeTensors.Load(new MemoryStream(RawFile("{}"u8.ToArray(), [])));
        Assert.AreEqual(0, loaded.Count);
    }

    // ------------------------------------------------------------ parameters

    [TestMethod]
    public void SaveParameters_ThenLoadInto_RestoresValues()
    {
        var source = new Linear(3, 2, seed: 1);
        var target = new Linear(3, 2, seed: 2);
        string path = TempPath("linear.safetensors");
        SafeTensors.SaveParameters(source.Parameters, path);
        CollectionAssert.AreEqual(new[] { "weight", "bias" }, SafeTensors.Load(path).Keys.ToArray());
        SafeTensors.LoadInto(target.Parameters, path);
        CollectionAssert.AreEqual(source.Weight.Value.Span.ToArray(), target.Weight.Value.Span.ToArray());
        CollectionAssert.AreEqual(source.Bias!.Value.Span.ToArray(), target.Bias!.Value.Span.ToArray());
    }

    [TestMethod]
    public void LoadInto_MissingName_ThrowsNamingParameterAndFile()
    {
        var bytes = Save(("weight", new Tensor(2, 3)));
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensors.LoadInto(new Linear(3, 2).Parameters, new MemoryStream(bytes), sourceName: "m.safetensors"));
        StringAssert.Contains(ex.Message, "'bias' missing");
        StringAssert.Contains(ex.Message, "m.safetensors");
    }

    [TestMethod]
    public void LoadInto_WrongShape_ThrowsNamingShapesAndChangesNothing()
    {
        var layer = new Linear(3, 2, seed: 4);
        var before = layer.Bias!.Value.Span.ToArray();
        var bytes = Save(("weight", new Tensor(3, 2)), ("bias", Tensor.From([9f, 9f], 2)));
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensors.LoadInto(layer.Parameters, new MemoryStream(bytes), sourceName: "m.safetensors"));
        StringAssert.Contains(ex.Message, "parameter 'weight' has shape (3, 2) in the file, expected (2, 3)");
        CollectionAssert.AreEqual(before, layer.Bias.Value.Span.ToArray());
    }

    [TestMethod]
    public void LoadInto_NonFinite_ThrowsNamingParameter()
    {
        var bytes = Save(("weight", new Tensor(2, 3)), ("bias", Tensor.From([1f, float.NaN], 2)));
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensors.LoadInto(new Linear(3, 2).Parameters, new MemoryStream(bytes)));
        StringAssert.Contains(ex.Message, "parameter 'bias' holds a non-finite value (NaN) at flat index 1");
    }

    [TestMethod]
    public void LoadInto_ExtraName_ThrowsWhenStrictOnly()
    {
        var bytes = Save(("weight", new Tensor(2, 3)), ("bias", new Tensor(2)), ("extra", new Tensor(1)));
        var layer = new Linear(3, 2);
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensors.LoadInto(layer.Parameters, new MemoryStream(bytes)));
        StringAssert.Contains(ex.Message, "unexpected tensor 'extra'");
        SafeTensors.LoadInto(layer.Parameters, new MemoryStream(bytes), strict: false);
        Assert.IsTrue(layer.Weight.Value.Span.ToArray().All(v => v == 0));
    }

    private static byte[] Save(params (string Name, Tensor Value)[] tensors)
    {
        var stream = new MemoryStream();
        SafeTensors.Save(stream, tensors.Select(t => KeyValuePair.Create(t.Name, t.Value)));
        return stream.ToArray();
    }

    // u64 header length | header | data, with an optional lie about the header length.
    private static byte[] RawFile(byte[] header, byte[] data, ulong? headerLength = null)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }
}
