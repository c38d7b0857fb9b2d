using Rnn.MLNet;
using Rnn.Pipelines.Tests.TestKit;
using Rnn.Pipelines.Windowing;

namespace Rnn.Pipelines.Tests.Windowing;

[TestClass]
public sealed class SlidingWindowTest
{
    private static IDataView Series(MLContext ml, int n) =>
        ml.Data.LoadFromEnumerable(Enumerable.Range(0, n).Select(i => new Step { Value = i }).ToList());

    [TestMethod]
    public void SlidingWindow_TenSteps_WindowsOfThreeLabelledWithNextValue()
    {
        var ml = new MLContext(seed: 1);
        var view = ml.Transforms.Sequence.SlidingWindow("Features", "Value", windowSize: 3).Fit(Series(ml, 10)).Transform(Series(ml, 10));

        var windows = Views.Vectors(view, "Features");
        var labels = Views.Scalars(view, "Label");
        Assert.HasCount(7, windows); // starts 0..6: the last window 6,7,8 is labelled 9
        for (int k = 0; k < 7; k++)
        {
            CollectionAssert.AreEqual(new float[] { k, k + 1, k + 2 }, windows[k]);
            Assert.AreEqual(k + 3f, labels[k]);
        }
        Assert.AreEqual(NumberDataViewType.Single, view.Schema["Label"].Type);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 3), view.Schema["Features"].Type);
    }

    [TestMethod]
    public void SlidingWindow_HorizonAndStride_LabelVectorAndSkippedStarts()
    {
        var ml = new MLContext(seed: 1);
        var view = ml.Transforms.Sequence.SlidingWindow("Features", "Value", windowSize: 3, horizon: 2, stride: 2).Fit(Series(ml, 10)).Transform(Series(ml, 10));

        var windows = Views.Vectors(view, "Features");
        var labels = Views.Vectors(view, "Label");
        // Span = 3 + 2 = 5 steps; starts 0, 2, 4 (4 + 5 = 9 ≤ 10), not 6.
        Assert.HasCount(3, windows);
        CollectionAssert.AreEqual(new float[] { 4, 5, 6 }, windows[2]);
        CollectionAssert.AreEqual(new float[] { 7, 8 }, labels[2]);
        CollectionAssert.AreEqual(new float[] { 3, 4 }, labels[0]);
    }

    [TestMethod]
    public void SlidingWindow_SeriesExactlyOneSpan_OneWindow()
    {
        var ml = new MLContext(seed: 1);
        var view = ml.Transforms.Sequence.SlidingWindow("Features", "Value", windowSize: 4, horizon: 2).Fit(Series(ml, 6)).Transform(Series(ml, 6));
        Assert.HasCount(1, Views.Vectors(view, "Features"));
    }

    [TestMethod]
    public void SlidingWindow_HorizonZero_NoLabelAndWindowEndingAtLastStep()
    {
        var ml = new MLContext(seed: 1);
        var view = ml.Transforms.Sequence.SlidingWindow("Features", "Value", windowSize: 3, horizon: 0).Fit(Series(ml, 5)).Transform(Series(ml, 5));
        Assert.IsNull(view.Schema.GetColumnOrNull("Label"));
        var windows = Views.Vectors(view, "Features");
        Assert.HasCount(3, windows);
        CollectionAssert.AreEqual(new float[] { 2, 3, 4 }, windows[^1]);
    }

    [TestMethod]
    public void SlidingWindow_SamplingRate_MatchesKerasIndices()
    {
        // Keras: timeseries_dataset_from_array(data, targets=data[W*R:], sequence_length=W, sequence_stride=S, sampling_rate=R)
        // window k = data[k*S : k*S + (W-1)*R + 1 : R], target = data[k*S + W*R], for k*S < n - W*R.
        var ml = new MLContext(seed: 1);
        const int n = 20, w = 3, s = 2, r = 3;
        var view = ml.Transforms.Sequence.SlidingWindow(new SlidingWindowOptions
        {
            OutputColumnName = "Features", InputColumnName = "Value", WindowSize = w, Stride = s, SamplingRate = r,
        }).Fit(Series(ml, n)).Transform(Series(ml, n));

        var windows = Views.Vectors(view, "Features");
        var labels = Views.Scalars(view, "Label");
        var expectedStarts = Enumerable.Range(0, n).Where(k => k * s < n - (w * r)).Select(k => k * s).ToList();
        Assert.HasCount(expectedStarts.Count, windows);
        for (int k = 0; k < windows.Count; k++)
        {
            int start = expectedStarts[k];
            CollectionAssert.AreEqual(new float[] { start, start + r, start + (2 * r) }, windows[k]);
            Assert.AreEqual(start + (w * r), labels[k]);
        }
    }

    [TestMethod]
    public void WindowPlan_CountFor_MatchesEnumeration()
    {
        for (int n = 0; n < 30; n++)
            for (int w = 1; w < 5; w++)
                for (int h = 0; h < 3; h++)
                    for (int s = 1; s < 4; s++)
                        for (int r = 1; r < 3; r++)
                        {
                            var plan = new WindowPlan(w, h, s, r);
                            int brute = 0;
                            for (int start = 0; start < n; start += s)
                                if (plan.LabelStep(start, h) < n && plan.InputStep(start, w - 1) < n) brute++;
                            Assert.AreEqual(brute, plan.CountFor(n), $"n={n} w={w} h={h} s={s} r={r}");
                        }
    }

    [TestMethod]
    public void SlidingWindow_Groups_WindowsNeverCrossSeries()
    {
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 5).Select(i => new GroupedStep { Series = "a", Value = i })
            .Concat(Enumerable.Range(0, 4).Select(i => new GroupedStep { Series = "b", Value = 100 + i })).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var view = ml.Transforms.Sequence.SlidingWindow("Features", "Value", windowSize: 2, groupColumnName: "Series").Fit(data).Transform(data);

        var groups = Views.Texts(view, "Series");
        var windows = Views.Vectors(view, "Features");
        var labels = Views.Scalars(view, "Label");
        CollectionAssert.AreEqual(new[] { "a", "a", "a", "b", "b" }, groups);
        CollectionAssert.AreEqual(new float[] { 100, 101 }, windows[3]);
        CollectionAssert.AreEqual(new float[] { 2, 3, 4, 102, 103 }, labels);
    }

    [TestMethod]
    public void SlidingWindow_GroupSplitInTwoRuns_Throws()
    {
        var ml = new MLContext(seed: 1);
        var rows = new[] { "a", "a", "b", "b", "a", "a" }.Select((g, i) => new GroupedStep { Series = g, Value = i }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var view = ml.Transforms.Sequence.SlidingWindow("Features", "Value", windowSize: 1, groupColumnName: "Series").Fit(data).Transform(data);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Views.Vectors(view, "Features"));
        StringAssert.Contains(e.Message, "contiguous");
    }

    [TestMethod]
    public void SlidingWindow_ShortGroup_ThrowsNamingItOrSkipsWhenAsked()
    {
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 6).Select(i => new GroupedStep { Series = i < 5 ? "long" : "short", Value = i }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var strict = ml.Transforms.Sequence.SlidingWindow("Features", "Value", windowSize: 3, groupColumnName: "Series").Fit(data).Transform(data);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Views.Vectors(strict, "Features"));
        StringAssert.Contains(e.Message, "'short'");
        StringAssert.Contains(e.Message, "needs at least 4");

        var lenient = ml.Transforms.Sequence.SlidingWindow(new SlidingWindowOptions
        {
            OutputColumnName = "Features", InputColumnName = "Value", WindowSize = 3, GroupColumnName = "Series", SkipShortSeries = true,
        }).Fit(data).Transform(data);
        Assert.HasCount(2, Views.Vectors(lenient, "Features"));
    }

    [TestMethod]
    public void SlidingWindow_Multivariate_WindowIsStepsTimesFeatures()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 5).Select(i => new VectorStep { Values = [i, -i] }).ToList());
        var view = ml.Transforms.Sequence.SlidingWindow("Features", "Values", windowSize: 2).Fit(data).Transform(data);

        var windows = Views.Vectors(view, "Features");
        var labels = Views.Vectors(view, "Label");
        Assert.HasCount(3, windows);
        CollectionAssert.AreEqual(new float[] { 1, -1, 2, -2 }, windows[1]);
        CollectionAssert.AreEqual(new float[] { 3, -3 }, labels[1]);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 2, 2), view.Schema["Features"].Type);
    }

    [TestMethod]
    public void SlidingWindow_NaN_ThrowsByDefault_DropsOrInterpolatesWhenAsked()
    {
        var ml = new MLContext(seed: 1);
        var values = new[] { 0f, 1f, float.NaN, 3f, 4f, 5f };
        var data = ml.Data.LoadFromEnumerable(values.Select(v => new Step { Value = v }).ToList());
        IDataView With(MissingValuePolicy policy) => ml.Transforms.Sequence.SlidingWindow(new SlidingWindowOptions
        {
            OutputColumnName = "Features", InputColumnName = "Value", WindowSize = 2, MissingValues = policy,
        }).Fit(data).Transform(data);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => Views.Vectors(With(MissingValuePolicy.Error), "Features"));
        StringAssert.Contains(e.Message, "Row 2");

        // Windows (0,1)->NaN, (1,NaN)->3 and (NaN,3)->4 touch the NaN; only (3,4)->5 survives.
        var dropped = Views.Vectors(With(MissingValuePolicy.DropWindows), "Features");
        Assert.HasCount(1, dropped);
        CollectionAssert.AreEqual(new float[] { 3, 4 }, dropped[0]);

        var filled = Views.Vectors(With(MissingValuePolicy.Interpolate), "Features");
        Assert.HasCount(4, filled);
        CollectionAssert.AreEqual(new float[] { 1, 2 }, filled[1]);
    }

    [TestMethod]
    public void SlidingWindow_UnsortedOrDuplicateTime_Throws()
    {
        var ml = new MLContext(seed: 1);
        foreach (var (times, word) in new[] { (new[] { 1, 2, 2, 3 }, "repeats"), (new[] { 1, 3, 2, 4 }, "comes before") })
        {
            var data = ml.Data.LoadFromEnumerable(times.Select(t => new TimedStep { Time = t, Value = t }).ToList());
            var view = ml.Transforms.Sequence.SlidingWindow(new SlidingWindowOptions
            {
                OutputColumnName = "Features", InputColumnName = "Value", WindowSize = 1, TimeColumnName = "Time",
            }).Fit(data).Transform(data);
            var e = Assert.ThrowsExactly<InvalidDataException>(() => Views.Vectors(view, "Features"));
            StringAssert.Contains(e.Message, word);
            StringAssert.Contains(e.Message, "Row 2");
        }
    }

    [TestMethod]
    public void SlidingWindow_TimeKey_PassesLastStepTime()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 5).Select(t => new TimedStep { Time = 10 * t, Value = t }).ToList());
        var view = ml.Transforms.Sequence.SlidingWindow(new SlidingWindowOptions
        {
            OutputColumnName = "Features", InputColumnName = "Value", WindowSize = 2, TimeColumnName = "Time",
        }).Fit(data).Transform(data);
        var times = new List<int>();
        using (var cursor = view.GetRowCursor([view.Schema["Time"]]))
        {
            var get = cursor.GetGetter<int>(view.Schema["Time"]);
            int t = 0;
            while (cursor.MoveNext())
            {
                get(ref t);
                times.Add(t);
            }
        }
        CollectionAssert.AreEqual(new[] { 10, 20, 30 }, times);
    }

    [TestMethod]
    public void GetOutputSchema_PromisesWhatTransformProduces()
    {
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 8).Select(i => new GroupedStep { Series = i < 4 ? "a" : "b", Value = i }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        foreach (int horizon in new[] { 0, 1, 2 })
        {
            var est = ml.Transforms.Sequence.SlidingWindow("Features", "Value", windowSize: 2, horizon: horizon, groupColumnName: "Series");
            var promised = est.GetOutputSchema(Shapes.Of(data.Schema));
            var actual = Shapes.Of(est.Fit(data).Transform(data).Schema);
            CollectionAssert.AreEqual(Shapes.Describe(promised), Shapes.Describe(actual), $"horizon {horizon}");
        }
    }

    [TestMethod]
    public void SlidingWindow_BadArguments_Throw()
    {
        var ml = new MLContext(seed: 1);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.Sequence.SlidingWindow("F", "Value", windowSize: 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.Sequence.SlidingWindow("F", "Value", windowSize: 2, stride: 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.Sequence.SlidingWindow("F", "Value", windowSize: 2, horizon: -1));
        Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.Sequence.SlidingWindow("F", "Value", windowSize: 2, labelColumnName: "F"));
        var est = ml.Transforms.Sequence.SlidingWindow("F", "Missing", windowSize: 2);
        Assert.ThrowsExactly<ArgumentException>(() => est.Fit(Series(ml, 5)));
        Assert.ThrowsExactly<ArgumentException>(() => est.GetOutputSchema(Shapes.Of(Series(ml, 5).Schema)));
    }

    [TestMethod]
    [DataRow(4, 2, 3)]
    [DataRow(3, 1, 1)]
    public void SlidingWindow_SaveLoad_RowToRowWithTheSameWindowsInOrder(int window, int horizon, int stride)
    {
        var ml = new MLContext(seed: 1);
        var data = Series(ml, 12);
        var model = ml.Transforms.Sequence.SlidingWindow("Features", "Value", windowSize: window, horizon: horizon, stride: stride).Fit(data);
        var expectedWindows = Views.Vectors(model.Transform(data), "Features");
        var expectedLabels = horizon == 1 ? Views.Scalars(model.Transform(data), "Label").Select(v => new[] { v }).ToList() : Views.Vectors(model.Transform(data), "Label");
        using var dir = LoadHost.TempDirectory();
        ml.Model.Save(model, data.Schema, dir.File("windows.zip"));
        using (var stream = File.Create(dir.File("in.idv"))) ml.Data.SaveAsBinary(data, stream);
        LoadHost.Run("transform", dir.File("windows.zip"), dir.File("in.idv"), dir.File("out.idv"));

        var inProcess = new MLContext().Model.Load(dir.File("windows.zip"), out _).Transform(data);
        foreach (IDataView loaded in new[] { inProcess, ml.Data.LoadFromBinary(dir.File("out.idv")) })
        {
            // Row to row: every step is kept; the rows that end a window's label carry it, the others are NaN.
            var windows = Views.Vectors(loaded, "Features");
            var labels = horizon == 1 ? Views.Scalars(loaded, "Label").Select(v => new[] { v }).ToList() : Views.Vectors(loaded, "Label");
            Assert.HasCount(12, windows);
            Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, window), loaded.Schema["Features"].Type);
            var present = Enumerable.Range(0, 12).Where(r => !float.IsNaN(windows[r][0])).ToList();
            Assert.HasCount(expectedWindows.Count, present);
            for (int k = 0; k < present.Count; k++)
            {
                CollectionAssert.AreEqual(expectedWindows[k], windows[present[k]]);
                CollectionAssert.AreEqual(expectedLabels[k], labels[present[k]]);
            }
            Assert.IsTrue(Enumerable.Range(0, 12).Except(present).All(r => labels[r].All(float.IsNaN)));
        }
    }

    [TestMethod]
    public void SlidingWindow_Loaded_TrainerSkipsTheRowsWithoutAWindow()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 40).Select(i => new Step { Value = MathF.Sin(i * 0.3f) }).ToList());
        var windows = ml.Transforms.Sequence.SlidingWindow("Features", "Value", windowSize: 5).Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(windows, data.Schema, stream);
        stream.Position = 0;
        var loaded = new MLContext().Model.Load(stream, out _).Transform(data);
        var trainer = ml.Regression.Trainers.Recurrent(new RecurrentTrainerOptions { Cell = RecurrentCellType.Gru, HiddenSize = 4, Epochs = 1 });
        trainer.Fit(loaded);
        Assert.AreEqual(5, trainer.LastSkippedRows, "the first (W−1+H)·R = 5 rows have no window");
    }

    [TestMethod]
    public void SlidingWindow_SaveWithGroupColumn_ThrowsNotSupportedNamingTheTransformer()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 8).Select(i => new GroupedStep { Series = i < 4 ? "a" : "b", Value = i }).ToList());
        var model = ml.Transforms.Sequence.SlidingWindow("Features", "Value", windowSize: 2, groupColumnName: "Series").Fit(data);
        using var stream = new MemoryStream();
        var e = Assert.ThrowsExactly<NotSupportedException>(() => ml.Model.Save(model, data.Schema, stream));
        StringAssert.Contains(e.Message, "SlidingWindowTransformer");
    }

    [TestMethod]
    public void SlidingWindow_BadInput_ExceptionsNameTheColumnOrParameter()
    {
        var ml = new MLContext(seed: 1);
        var missing = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.Sequence.SlidingWindow("F", "Nope", windowSize: 2).Fit(Series(ml, 5)));
        StringAssert.Contains(missing.Message, "'Nope'");

        var texts = ml.Data.LoadFromEnumerable(new[] { new GroupedStep { Series = "a", Value = 1 } });
        var wrongType = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.Sequence.SlidingWindow("F", "Series", windowSize: 1).Fit(texts));
        StringAssert.Contains(wrongType.Message, "'Series'");
        var wrongShape = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.Sequence.SlidingWindow("F", "Series", windowSize: 1).GetOutputSchema(Shapes.Of(texts.Schema)));
        StringAssert.Contains(wrongShape.Message, "'Series'");

        var tooLong = ml.Transforms.Sequence.SlidingWindow("F", "Value", windowSize: 8).Fit(Series(ml, 5)).Transform(Series(ml, 5));
        var shortSeries = Assert.ThrowsExactly<InvalidDataException>(() => Views.Vectors(tooLong, "F"));
        StringAssert.Contains(shortSeries.Message, "5 steps");
        var badWindow = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.Sequence.SlidingWindow("F", "Value", windowSize: -1));
        StringAssert.Contains(badWindow.Message, "windowSize");
    }

    [TestMethod]
    public void SlidingWindow_ThenRegressionTrainer_Fits()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 60).Select(i => new Step { Value = MathF.Sin(i * 0.3f) }).ToList());
        var pipeline = ml.Transforms.Sequence.SlidingWindow("Features", "Value", windowSize: 5)
            .Append(ml.Regression.Trainers.Recurrent(new RecurrentTrainerOptions { Cell = RecurrentCellType.Gru, HiddenSize = 8, Epochs = 2 }));
        var model = pipeline.Fit(data);
        var scores = Views.Scalars(model.Transform(data), "Score");
        Assert.HasCount(55, scores);
        Assert.IsTrue(scores.All(float.IsFinite));
    }

    // Regression (fuzzing, issue 16): a payload of a few hundred bytes declaring sampling rate 10⁶ made the saved
    // window's kernel allocate a ring of (W−1+H)·R + 1 steps (gigabytes, or an overflow) at the first row.
    [TestMethod]
    public void SavedWindowing_PayloadWithAHugeSpan_ThrowsBeforeAllocating()
    {
        string payload = Rnn.MLNet.Persistence.ModelPayload.Write(SavedWindowing.Kind, SavedWindowing.Version,
            new SavedWindowing.Settings(WindowSize: 4, Horizon: 2, Stride: 1, SamplingRate: 1_000_000, Features: 3), []);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => SavedWindowing.Read(payload));
        Assert.IsLessThan(1L << 20, GC.GetAllocatedBytesForCurrentThread() - before);
        StringAssert.Contains(ex.Message, "span");
    }

    [TestMethod]
    public void SlidingWindow_SaveWithASpanOverTheSavedLimit_ThrowsNotSupported()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Transforms.Sequence.SlidingWindow(new SlidingWindowOptions
        {
            OutputColumnName = "F", InputColumnName = "Value", WindowSize = 3, SamplingRate = SavedWindowing.MaxRingValues / 2 + 1,
        }).Fit(Series(ml, 5));
        var e = Assert.ThrowsExactly<NotSupportedException>(() => ml.Model.Save(model, Series(ml, 5).Schema, new MemoryStream()));
        StringAssert.Contains(e.Message, "spans");
    }
}
