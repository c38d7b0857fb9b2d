using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Rnn.MLNet.Tests.Data;
using Rnn.MLNet.Tests.TestKit;
using Rnn.MLNet.Tests.Transforms;

namespace Rnn.MLNet.Tests.Model;

[TestClass]
public sealed class ModelZipTest
{
    private static byte[] SavedModel(out IDataView data)
    {
        var ml = new MLContext(seed: 1);
        data = ScoringTransformerBaseTest.Blobs(20);
        ITransformer model = ml.Transforms.NormalizeMeanVariance("Features").Append(new CentroidTrainer()).Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        return stream.ToArray();
    }

    private static ITransformer Load(byte[] bytes) => new MLContext().Model.Load(new MemoryStream(bytes), out _);

    private static byte[] Rewrite(byte[] zip, string entry, Func<byte[], byte[]> change)
    {
        var entries = new Dictionary<string, byte[]>();
        using (var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read))
            foreach (ZipArchiveEntry e in archive.Entries)
            {
                using var s = new MemoryStream();
                e.Open().CopyTo(s);
                entries[e.FullName] = s.ToArray();
            }
        entries[entry] = change(entries[entry]);
        using var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            foreach ((string name, byte[] bytes) in entries)
                using (Stream s = archive.CreateEntry(name).Open())
                    s.Write(bytes);
        return output.ToArray();
    }

    private static byte[] ReplaceText(byte[] bytes, string from, string to)
    {
        string text = Encoding.UTF8.GetString(bytes);
        Assert.Contains(from, text);
        return Encoding.UTF8.GetBytes(text.Replace(from, to, StringComparison.Ordinal));
    }

    [TestMethod]
    public void SaveLoad_FreshContext_PredictsBitIdentically()
    {
        byte[] zip = SavedModel(out IDataView data);
        var ml = new MLContext(seed: 1);
        ITransformer original = ml.Transforms.NormalizeMeanVariance("Features").Append(new CentroidTrainer()).Fit(data);

        ITransformer loaded = new MLContext(seed: 99).Model.Load(new MemoryStream(zip), out DataViewSchema inputSchema);

        Assert.AreEqual(ViewDump.SchemaText(data.Schema), ViewDump.SchemaText(inputSchema));
        CollectionAssert.AreEqual(ViewDump.Dump(original.Transform(data)), ViewDump.Dump(loaded.Transform(data)));
    }

    [TestMethod]
    public void SaveLoad_File_RoundTrips()
    {
        byte[] zip = SavedModel(out IDataView data);
        string path = Path.Combine(Path.GetTempPath(), $"rnnml-{Guid.NewGuid():N}.zip");
        try
        {
            var ml = new MLContext();
            ITransformer loaded = ml.Model.Load(new MemoryStream(zip), out DataViewSchema schema);
            ml.Model.Save(loaded, schema, path);
            ITransformer again = ml.Model.Load(path, out _);
            CollectionAssert.AreEqual(ViewDump.Dump(loaded.Transform(data)), ViewDump.Dump(again.Transform(data)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void Save_Manifest_ListsTransformersWithIdsAndVersions()
    {
        using var archive = new ZipArchive(new MemoryStream(SavedModel(out _)), ZipArchiveMode.Read);
        using var reader = new StreamReader(archive.GetEntry("manifest.json")!.Open());
        string manifest = reader.ReadToEnd();

        StringAssert.Contains(manifest, "\"format\": \"RnnMl.Model\"");
        StringAssert.Contains(manifest, "\"formatVersion\": 1");
        StringAssert.Contains(manifest, "\"id\": \"Rnn.Normalize\"");
        StringAssert.Contains(manifest, "\"id\": \"Tests.Centroid\"");
        Assert.IsNotNull(archive.GetEntry("transformers/001/weights.safetensors"));
    }

    [TestMethod]
    public void Load_Truncated_ThrowsInvalidData()
    {
        byte[] zip = SavedModel(out _);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => Load(zip[..(zip.Length / 2)]));
        StringAssert.Contains(e.Message, "not a model zip");
    }

    [TestMethod]
    public void Load_Damaged_ThrowsInvalidData()
    {
        byte[] zip = SavedModel(out _);
        for (int i = 40; i < zip.Length / 2; i += 7)
            zip[i] ^= 0x5A;

        Assert.ThrowsExactly<InvalidDataException>(() => Load(zip));
    }

    [TestMethod]
    public void Load_RandomCorruptions_OnlyEverThrowInvalidData()
    {
        byte[] original = SavedModel(out IDataView data);
        var random = new Random(12345);
        int loadedFine = 0;
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] zip = (byte[])original.Clone();
            int flips = 1 + random.Next(4);
            for (int f = 0; f < flips; f++)
                zip[random.Next(zip.Length)] = (byte)random.Next(256);
            try
            {
                ITransformer model = Load(zip);
                _ = ViewDump.Dump(model.Transform(data));
                loadedFine++;
            }
            catch (InvalidDataException)
            {
            }
            catch (ArgumentException) when (trial >= 0)
            {
                // A corrupted column name in settings can make the model not fit the data: a schema error, not a crash.
            }
        }
        Assert.IsLessThan(300, loadedFine);
    }

    [TestMethod]
    public void Load_CorruptedEntryContents_OnlyEverThrowInvalidDataOrSchemaErrors()
    {
        byte[] original = SavedModel(out IDataView data);
        string[] entries;
        using (var archive = new ZipArchive(new MemoryStream(original), ZipArchiveMode.Read))
            entries = archive.Entries.Select(e => e.FullName).ToArray();
        var random = new Random(777);
        for (int trial = 0; trial < 400; trial++)
        {
            string entry = entries[random.Next(entries.Length)];
            byte[] zip = Rewrite(original, entry, b =>
            {
                byte[] copy = (byte[])b.Clone();
                for (int f = 0; f < 1 + random.Next(3); f++)
                    copy[random.Next(copy.Length)] = (byte)"{}[]\":,0123456789-e.\"xyz\0\xff"[random.Next(25)];
                return random.Next(10) == 0 ? copy[..random.Next(copy.Length)] : copy;
            });
            try
            {
                _ = ViewDump.Dump(Load(zip).Transform(data));
            }
            catch (InvalidDataException)
            {
            }
            catch (ArgumentException)
            {
                // e.g. a column name changed by the corruption: the model no longer fits the data.
            }
        }
    }

    [TestMethod]
    public void Load_RandomBytes_ThrowsInvalidData()
    {
        var bytes = new byte[4096];
        new Random(1).NextBytes(bytes);

        Assert.ThrowsExactly<InvalidDataException>(() => Load(bytes));
    }

    [TestMethod]
    public void Load_ForeignZip_ThrowsNamingMissingManifest()
    {
        using var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
            using (Stream s = archive.CreateEntry("hello.txt").Open())
                s.Write("hi"u8);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => Load(stream.ToArray()));
        StringAssert.Contains(e.Message, "no manifest.json");
    }

    [TestMethod]
    public void Load_OtherFormatName_ThrowsNotAnRnnMlModel()
    {
        byte[] zip = Rewrite(SavedModel(out _), "manifest.json", b => ReplaceText(b, "\"RnnMl.Model\"", "\"Other.Model\""));

        var e = Assert.ThrowsExactly<InvalidDataException>(() => Load(zip));
        StringAssert.Contains(e.Message, "not an RnnMl model");
    }

    [TestMethod]
    public void Load_NewerFormatVersion_ThrowsNamingVersions()
    {
        byte[] zip = Rewrite(SavedModel(out _), "manifest.json", b => ReplaceText(b, "\"formatVersion\": 1", "\"formatVersion\": 2"));

        var e = Assert.ThrowsExactly<InvalidDataException>(() => Load(zip));
        StringAssert.Contains(e.Message, "format version 2 was written by a newer RnnMl");
    }

    [TestMethod]
    public void Load_NewerTransformerVersion_ThrowsNamingId()
    {
        byte[] zip = Rewrite(SavedModel(out _), "manifest.json", b => ReplaceText(b, "\"id\": \"Tests.Centroid\",\n      \"version\": 1", "\"id\": \"Tests.Centroid\",\n      \"version\": 7"));

        var e = Assert.ThrowsExactly<InvalidDataException>(() => Load(zip));
        StringAssert.Contains(e.Message, "'Tests.Centroid' was saved as version 7");
    }

    [TestMethod]
    public void Load_UnknownTypeId_ThrowsWithoutLoadingAnyType()
    {
        byte[] zip = Rewrite(SavedModel(out _), "manifest.json", b => ReplaceText(b, "\"Tests.Centroid\"", "\"System.IO.File, System.IO\""));

        var e = Assert.ThrowsExactly<InvalidDataException>(() => Load(zip));
        StringAssert.Contains(e.Message, "unknown transformer type id 'System.IO.File, System.IO'");
    }

    [TestMethod]
    public void Load_AbsurdTensorShape_ThrowsBeforeAllocating()
    {
        byte[] zip = Rewrite(SavedModel(out _), "transformers/001/weights.safetensors", b =>
        {
            int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(b);
            string header = Encoding.UTF8.GetString(b, 8, headerLength);
            string absurd = header.Replace("\"shape\":[2,2]", "\"shape\":[2000000000,2000000000]", StringComparison.Ordinal);
            Assert.AreNotEqual(header, absurd);
            byte[] newHeader = Encoding.UTF8.GetBytes(absurd);
            var result = new byte[8 + newHeader.Length + (b.Length - 8 - headerLength)];
            BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)newHeader.Length);
            newHeader.CopyTo(result, 8);
            b.AsSpan(8 + headerLength).CopyTo(result.AsSpan(8 + newHeader.Length));
            return result;
        });
        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.ThrowsExactly<InvalidDataException>(() => Load(zip));

        StringAssert.Contains(e.Message, "tensor 'centroids': the element count of shape [2000000000, 2000000000]");
        Assert.IsLessThan(64L << 20, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [TestMethod]
    public void Load_AbsurdHeaderLength_ThrowsInvalidData()
    {
        byte[] zip = Rewrite(SavedModel(out _), "transformers/001/weights.safetensors", b =>
        {
            BinaryPrimitives.WriteUInt64LittleEndian(b, ulong.MaxValue / 2);
            return b;
        });

        var e = Assert.ThrowsExactly<InvalidDataException>(() => Load(zip));
        StringAssert.Contains(e.Message, "header length 9223372036854775807 exceeds");
    }

    [TestMethod]
    public void Load_BrokenSettings_ThrowsNamingEntry()
    {
        byte[] zip = Rewrite(SavedModel(out _), "transformers/000/settings.json", _ => "{ not json"u8.ToArray());

        var e = Assert.ThrowsExactly<InvalidDataException>(() => Load(zip));
        StringAssert.Contains(e.Message, "transformers/000/settings.json");
    }

    [TestMethod]
    public void Save_UnregisteredTransformer_ThrowsNamingId()
    {
        var ml = new MLContext();
        IDataView data = ml.Data.LoadFromEnumerable(new[] { new Review { Text = "a" } });

        var e = Assert.ThrowsExactly<InvalidOperationException>(() => ml.Model.Save(new Unregistered(), data.Schema, new MemoryStream()));
        StringAssert.Contains(e.Message, "'Tests.Unregistered' has no registered loader");
    }

    private sealed class Unregistered : ITransformer
    {
        public bool IsRowToRowMapper => true;

        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inputSchema;

        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => throw new NotSupportedException();

        public void Save(ModelSaveContext ctx) => ctx.SetVersionInfo("Tests.Unregistered", 1);

        public IDataView Transform(IDataView input) => input;
    }
}
