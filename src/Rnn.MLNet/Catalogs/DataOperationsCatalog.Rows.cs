using Rnn.MLNet.Data;
using Rnn.MLNet.Internals;

namespace Rnn.MLNet;

public sealed partial class DataOperationsCatalog
{
    /// <summary>A train set and a test set.</summary>
    public sealed class TrainTestData
    {
        internal TrainTestData(IDataView trainSet, IDataView testSet)
        {
            TrainSet = trainSet;
            TestSet = testSet;
        }

        /// <summary>The training rows.</summary>
        public IDataView TrainSet { get; }

        /// <summary>The test rows.</summary>
        public IDataView TestSet { get; }
    }

    /// <summary>
    /// Splits <paramref name="data"/> lazily into a train set and a test set of about <paramref name="testFraction"/>
    /// of the rows. Rows with equal <paramref name="samplingKeyColumnName"/> values go to the same side. Repeatable
    /// for a given <paramref name="seed"/> (default: the next seed of the context).
    /// </summary>
    public TrainTestData TrainTestSplit(IDataView data, double testFraction = 0.1, string? samplingKeyColumnName = null, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(testFraction > 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "testFraction must be in (0, 1).");
        int s = seed ?? Context.NextSeed();
        return new TrainTestData(
            Range(data, samplingKeyColumnName, s, testFraction, 1),
            Range(data, samplingKeyColumnName, s, 0, testFraction));
    }

    /// <summary>The rows whose split number falls in [<paramref name="lower"/>, <paramref name="upper"/>) (folds and splits).</summary>
    internal static IDataView Range(IDataView data, string? samplingKeyColumnName, int seed, double lower, double upper, bool complement = false)
    {
        DataViewSchema.Column? key = null;
        if (samplingKeyColumnName is not null)
        {
            key = Columns.Find(data.Schema, samplingKeyColumnName);
            SplitHash.CheckKeyColumn(key.Value);
        }
        return new FilterDataView(data, key is null ? [] : [key.Value], cursor =>
        {
            Func<double> unit = SplitHash.Make(cursor, key, seed);
            return () =>
            {
                double u = unit();
                return (u >= lower && u < upper) != complement ? RowDecision.Keep : RowDecision.Skip;
            };
        });
    }

    /// <summary>
    /// The rows in random order, lazily, through a pool of <paramref name="shufflePoolSize"/> rows (memory stays bounded,
    /// so a streamed file can be shuffled); repeatable for a given <paramref name="seed"/>.
    /// </summary>
    public IDataView ShuffleRows(IDataView input, int? seed = null, int shufflePoolSize = 1000, bool shuffleSource = true)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shufflePoolSize);
        return new ShuffleDataView(input, seed ?? Context.NextSeed(), shufflePoolSize, shuffleSource);
    }

    /// <summary>The first <paramref name="count"/> rows; reading stops there.</summary>
    public IDataView TakeRows(IDataView input, long count)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new FilterDataView(input, [], cursor => () => cursor.Position < count ? RowDecision.Keep : RowDecision.Stop);
    }

    /// <summary>The rows after the first <paramref name="count"/>.</summary>
    public IDataView SkipRows(IDataView input, long count)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new FilterDataView(input, [], cursor => () => cursor.Position >= count ? RowDecision.Keep : RowDecision.Skip);
    }

    /// <summary>
    /// The rows whose <paramref name="columnName"/> (a number or key) lies in [<paramref name="lowerBound"/>, <paramref name="upperBound"/>);
    /// missing values (NaN) are dropped.
    /// </summary>
    public IDataView FilterRowsByColumn(IDataView input, string columnName, double lowerBound = double.NegativeInfinity, double upperBound = double.PositiveInfinity)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!(lowerBound < upperBound))
            throw new ArgumentOutOfRangeException(nameof(upperBound), upperBound, $"upperBound must exceed lowerBound ({lowerBound}).");
        DataViewSchema.Column column = Columns.Find(input.Schema, columnName);
        if (column.Type is not (NumberDataViewType or KeyDataViewType))
            Throw.WrongType(column.Name, column.Type, "a number or a key");
        return new FilterDataView(input, [column], cursor =>
        {
            Func<double> value = NumericReader.Make(cursor, column);
            return () =>
            {
                double v = value();
                return v >= lowerBound && v < upperBound ? RowDecision.Keep : RowDecision.Skip;
            };
        });
    }
}
