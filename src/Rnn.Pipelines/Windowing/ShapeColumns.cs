using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.MLNet.Persistence;

namespace Rnn.Pipelines.Windowing;

/// <summary>
/// New columns for <see cref="IEstimator{TTransformer}.GetOutputSchema"/>: ML.NET keeps <c>SchemaShape.Column</c>'s
/// constructor internal, so the columns are borrowed from the output shape of a CustomMapping whose row type declares a
/// Single vector and a Single scalar, copied to the wanted names.
/// </summary>
internal static class ShapeColumns
{
    private const string VectorColumn = PayloadCarrier.Prefix + "shape_vector";
    private const string ScalarColumn = PayloadCarrier.Prefix + "shape_scalar";

    /// <summary>
    /// <paramref name="kept"/> followed by known-size Single vector columns <paramref name="vectors"/> and Single scalar
    /// columns <paramref name="scalars"/>.
    /// </summary>
    public static SchemaShape With(IEnumerable<SchemaShape.Column> kept, IEnumerable<string> vectors, IEnumerable<string> scalars)
    {
        var ml = new MLContext();
        IEstimator<ITransformer> chain = ml.Transforms.CustomMapping<PayloadCarrier.NoColumns, ShapeRow>(static (_, _) => { }, contractName: null);
        foreach (string name in vectors) chain = chain.Append(ml.Transforms.CopyColumns(name, VectorColumn));
        foreach (string name in scalars) chain = chain.Append(ml.Transforms.CopyColumns(name, ScalarColumn));
        SchemaShape shape = chain.GetOutputSchema(new SchemaShape(kept));
        return new SchemaShape(shape.Where(c => c.Name is not VectorColumn and not ScalarColumn));
    }

    /// <summary>A Single vector and a Single scalar.</summary>
    public sealed class ShapeRow
    {
        /// <summary>A known-size vector.</summary>
        [ColumnName(VectorColumn), VectorType(1)]
        public float[] Vector { get; set; } = [0f];

        /// <summary>A scalar.</summary>
        [ColumnName(ScalarColumn)]
        public float Scalar { get; set; }
    }
}
