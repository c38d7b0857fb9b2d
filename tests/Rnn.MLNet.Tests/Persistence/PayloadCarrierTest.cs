using System.IO.Compression;
using Rnn.MLNet.Tests.TestKit;
using static Rnn.MLNet.Tests.TestKit.Corpora;

namespace Rnn.MLNet.Tests.Persistence;

/// <summary>The payload rides in ML.NET's zip as a ValueMapping table; a damaged table gives a clear error.</summary>
[TestClass]
public sealed class PayloadCarrierTest
{
    public sealed class LookupRow
    {
        public string Key { get; set; } = "";

        public string Value { get; set; } = "";
    }

    /// <summary>Saves a fitted binary model and swaps the payload in its ValueMapping table for <paramref name="garbage"/>.</summary>
    private static void SaveWithPayload(MLContext ml, string zipPath, string garbage, IDataView data)
    {
        var model = TokenKeys(ml).Append(ml.BinaryClassification.Trainers.Recurrent(Small("Tokens", epochs: 1))).Fit(data);
        ml.Model.Save(model, data.Schema, zipPath);
        string payload = RecurrentModel.FromTransformer(model).ToPayload();

        using var zip = ZipFile.Open(zipPath, ZipArchiveMode.Update);
        int replaced = 0;
        foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".idv", StringComparison.Ordinal)).ToList())
        {
            string table = Path.Combine(Path.GetDirectoryName(zipPath)!, $"table-{replaced}-{Guid.NewGuid():N}.idv");
            entry.ExtractToFile(table);
            var view = ml.Data.LoadFromBinary(table);
            var values = view.Schema.Where(c => c.Type is TextDataViewType)
                .SelectMany(c => view.GetColumn<string>(c.Name)).ToList();
            if (!values.Contains(payload)) continue;
            CollectionAssert.AreEqual(new[] { "Key", "Value" }, view.Schema.Select(c => c.Name).ToArray(), "the carrier's table columns");
            string name = entry.FullName;
            entry.Delete();
            using (var stream = zip.CreateEntry(name).Open())
                ml.Data.SaveAsBinary(ml.Data.LoadFromEnumerable([new LookupRow { Key = "model", Value = garbage }]), stream);
            replaced++;
        }
        Assert.AreEqual(1, replaced, "the payload table was not found in the zip");
    }

    [TestMethod]
    [DataRow("this is not base64"), DataRow("AAAAAAAAAAAAAAAA")]
    public void Load_ZipWithDamagedPayload_ThrowsInvalidDataExceptionNamingThePayload(string garbage)
    {
        using var directory = new TempDirectory();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Sentences(20));
        string zip = directory.File("damaged.zip");
        SaveWithPayload(ml, zip, garbage, data);

        var loaded = new MLContext().Model.Load(zip, out _);
        var typed = Assert.ThrowsExactly<InvalidDataException>(() => RecurrentModel.FromTransformer(loaded));
        StringAssert.StartsWith(typed.Message, "RnnMl model payload:");
        var scoring = Assert.Throws<Exception>(() => ViewDump.Dump(loaded.Transform(data)));
        var root = scoring;
        while (root is not InvalidDataException && root.InnerException is not null) root = root.InnerException;
        Assert.IsInstanceOfType<InvalidDataException>(root, scoring.ToString());
        StringAssert.StartsWith(root.Message, "RnnMl model payload:");
    }
}
