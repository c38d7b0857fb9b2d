using Rnn.Core.Serialization;
using Rnn.Tests.Shared;
using static Rnn.MLNet.Tests.TestKit.Corpora;

namespace Rnn.MLNet.Tests.Persistence;

/// <summary>
/// Damaged and hostile saved models of the recurrent trainers (binary, multiclass, regression zips, and the bare
/// safetensors file of <see cref="RecurrentModel.SaveSafeTensors"/>) end in a documented exception or load identically
/// (<see cref="ZipFuzzer"/>; docs/reliability.md). The CI run is a seeded subset; the full run is
/// <c>RNNML_FUZZ_CASES=2000 dotnet test tests/Rnn.MLNet.Tests --filter ZipFuzzTest</c>.
/// </summary>
[TestClass]
public sealed class ZipFuzzTest
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow("binary"), DataRow("multiclass"), DataRow("regression"), DataRow("safetensors")]
    public void Load_MutatedSavedModel_EndsInDocumentedExceptionOrIdenticalScores(string kind) =>
        ZipFuzzer.Verify(Target(kind), ciCases: 40, TestContext.WriteLine);

    internal static FuzzTarget Target(string kind)
    {
        var ml = new MLContext(seed: 1);
        switch (kind)
        {
            case "binary":
            {
                var data = ml.Data.LoadFromEnumerable(Sentences(24));
                var model = TokenKeys(ml).Append(ml.BinaryClassification.Trainers.Recurrent(Small("Tokens", epochs: 1))).Fit(data);
                return ZipTarget(kind, ml, model, data, ml.Data.LoadFromEnumerable(Sentences(6, seed: 2)));
            }
            case "multiclass":
            {
                var data = ml.Data.LoadFromEnumerable(Colours(24));
                var model = TokenKeys(ml).Append(ml.Transforms.Conversion.MapValueToKey("Label", nameof(Colour.Name)))
                    .Append(ml.MulticlassClassification.Trainers.Recurrent(Small("Tokens", epochs: 1))).Fit(data);
                return ZipTarget(kind, ml, model, data, ml.Data.LoadFromEnumerable(Colours(6, seed: 2)));
            }
            case "regression":
            {
                var data = ml.Data.LoadFromEnumerable(StepSequences(24, binary: false));
                var model = ml.Regression.Trainers.Recurrent(Small(nameof(Steps.Features), stepSize: 2, epochs: 1)).Fit(data);
                return ZipTarget(kind, ml, model, data, ml.Data.LoadFromEnumerable(StepSequences(6, binary: false, seed: 2)));
            }
            default:
            {
                var data = ml.Data.LoadFromEnumerable(Sentences(24));
                var model = RecurrentModel.FromTransformer(TokenKeys(ml).Append(ml.BinaryClassification.Trainers.Recurrent(Small("Tokens", epochs: 1))).Fit(data));
                string path = Path.Combine(Path.GetTempPath(), $"rnnml-fuzz-{Guid.NewGuid():N}.safetensors");
                model.SaveSafeTensors(path);
                byte[] bytes = File.ReadAllBytes(path);
                File.Delete(path);
                string payload = model.ToPayload();
                return new FuzzTarget(kind, bytes, file =>
                {
                    // A fresh network of the same shape takes the file's weights (strict: names, shapes, finiteness).
                    var copy = RecurrentModel.FromPayload(payload);
                    SafeTensors.LoadInto(copy.Parameters, new MemoryStream(file, writable: false));
                    return string.Join("\n", copy.Parameters.Select(p => $"{p.Key}:{p.Value.Value.ShapeString}:{ZipFuzzer.Bits(p.Value.Value.Span.ToArray())}"));
                }, IsZip: false);
            }
        }
    }

    private static FuzzTarget ZipTarget(string kind, MLContext ml, ITransformer model, IDataView data, IDataView input) =>
        ZipFuzzer.ZipOf(kind, ml, model, data.Schema, loaded => ZipFuzzer.Fingerprint(loaded.Transform(input)));
}
