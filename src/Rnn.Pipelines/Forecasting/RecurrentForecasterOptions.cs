using Rnn.Core.Training;

namespace Rnn.MLNet;

/// <summary>How a recurrent forecaster produces several steps ahead.</summary>
public enum ForecastStrategy
{
    /// <summary>One network output per horizon step: the next H values come out of one forward pass (default).</summary>
    Direct,

    /// <summary>
    /// The network predicts one step (the target and every covariate); the prediction is appended to the window and
    /// the network runs again, H times.
    /// </summary>
    Recursive,
}

/// <summary>The linear autoregression a recurrent forecaster adds to its network's output (LSTNet's highway).</summary>
public enum AutoregressiveHighway
{
    /// <summary>
    /// <see cref="Recursive"/> or <see cref="Direct"/>, whichever forecasts the calibration origins with the smaller mean
    /// absolute error, refitted along them on the steps before each origin (chosen together with the log transform when
    /// that is automatic). Default.
    /// </summary>
    Automatic,

    /// <summary>No highway: the network corrects the last observed value.</summary>
    None,

    /// <summary>
    /// A one-step autoregression on the window (least squares with intercept), iterated over the horizon; the network
    /// learns what it leaves.
    /// </summary>
    Recursive,

    /// <summary>
    /// One autoregression per horizon step h on the window (least squares with intercept, direct forecasts); the network
    /// learns what it leaves. With <see cref="ForecastStrategy.Recursive"/> it is the one-step model, iterated.
    /// </summary>
    Direct,
}

/// <summary>
/// Options of <c>ml.Forecasting.ForecastByRecurrent</c>. Every default is stated on its property.
/// </summary>
/// <remarks>
/// <para><b>Data.</b> The input view holds one time step per row, in order. The target is
/// <see cref="InputColumnName"/>; <see cref="CovariateColumnNames"/> add other series observed at the same steps
/// (past values only: they are inputs, and the recursive strategy forecasts them too).</para>
/// <para><b>Model</b> (in internal units z = y, or ln y with <see cref="LogTransform"/>). A direct forecast is
/// <c>ẑ_{t+h} = AR_h(z_{t−W+1..t}) + g · σ_Δ · mean_m f_{m,h}(window)</c>: AR is the <see cref="Highway"/>, a linear
/// autoregression on the window with intercept fitted by least squares (a ridge of 10⁻³ of the lags' mean square breaks
/// ties), f_m the m-th of <see cref="EnsembleSize"/> networks, g the <see cref="NetworkWeight"/>. The networks are trained
/// on what the highway leaves, <c>(z_{t+h} − AR_h)/σ_Δ</c> (LSTNet's autoregressive highway). Without a highway AR_h is
/// the last value z_t.</para>
/// <para><b>Scaling</b> (statistics from the data given to Fit only, saved with the model). Each step of a window
/// enters the network as <c>[(z_t − z_last)/σ_Δ, (z_t − μ)/σ, (c_t − μ_c)/σ_c …]</c>, where z_last is the window's last
/// target value, μ and σ are the target's mean and standard deviation, σ_Δ the standard deviation of its one-step
/// changes, and μ_c, σ_c a covariate's.</para>
/// <para><b>Network.</b> <see cref="NumberOfLayers"/> recurrent layers of <see cref="HiddenSize"/> units, the last step's
/// output, a linear head (H outputs for <see cref="ForecastStrategy.Direct"/>, 1 + covariates for
/// <see cref="ForecastStrategy.Recursive"/>), trained with MSE and Adam on every window of the series (stride 1).</para>
/// <para><b>Calibration origins.</b> The latest max(10, ⌈<see cref="CalibrationFraction"/> · windows⌉) window starts.
/// The networks are first trained on the windows whose targets all come before the first calibration target; the
/// highway is refitted along the origins on the steps before each (at most 24 fits), as in a rolling-origin backtest.
/// Their forecasts choose, by mean absolute error in the series' units, the log transform and the highway's kind
/// (when automatic, with the highway alone), then the network weight.</para>
/// <para><b>Confidence bounds</b> (split conformal prediction). For each horizon step h the residuals r = actual − forecast
/// of those rolling forecasts give the bounds <c>forecast ∓ q_c(|r_h|)</c> (<see cref="SymmetricBounds"/>), or
/// <c>forecast + q_{(1−c)/2}(r_h)</c> and <c>forecast + q_{(1+c)/2}(r_h)</c> (c = <see cref="ConfidenceLevel"/>, order
/// statistics with the finite-sample rank ⌈(n+1)p⌉); by default the residuals are first divided by a recent-error
/// scale σ̂ that the engine keeps updating (<see cref="AdaptiveBoundsHalfLife"/>). With <see cref="RefitAfterCalibration"/> the highway and networks are
/// then fitted again on every window. Under exchangeable errors a 90% interval covers about 90% of future values (tested
/// on series with known noise).</para>
/// </remarks>
public sealed class RecurrentForecasterOptions
{
    /// <summary>The forecast column: a vector of H Single values. Default "Forecast".</summary>
    public string OutputColumnName { get; set; } = "Forecast";

    /// <summary>The target series: a Single or Double column, one step per row. Required.</summary>
    public string InputColumnName { get; set; } = "";

    /// <summary>Other series observed at each step (Single or Double), fed to the network as extra features. Default none.</summary>
    public IReadOnlyList<string> CovariateColumnNames { get; set; } = [];

    /// <summary>W, the past steps the network reads. Default 24.</summary>
    public int WindowSize { get; set; } = 24;

    /// <summary>H, the steps forecast. Default 1.</summary>
    public int Horizon { get; set; } = 1;

    /// <summary>Coverage of the confidence interval, in (0, 1). Default 0.95.</summary>
    public float ConfidenceLevel { get; set; } = 0.95f;

    /// <summary>The lower-bound column (a vector of H), or null for none. Default null.</summary>
    public string? ConfidenceLowerBoundColumn { get; set; }

    /// <summary>The upper-bound column (a vector of H), or null for none. Default null.</summary>
    public string? ConfidenceUpperBoundColumn { get; set; }

    /// <summary>
    /// Model ln y instead of y (every target value must be positive): for series whose swings grow with their level
    /// (multiplicative seasonality). Forecasts and bounds come back in the series' units; the bounds are calibrated on
    /// log residuals, so they widen with the level. null: chosen automatically, ln y when every training value is
    /// positive and the highway (or a one-step autoregression without one) fitted on ln y of the windows before the
    /// calibration origins forecasts those origins with a smaller mean absolute error in the series' units. Default null.
    /// </summary>
    public bool? LogTransform { get; set; }

    /// <summary>
    /// The linear autoregression on the window that the network's output is added to (LSTNet), fitted by least squares
    /// before the network, which then learns what it leaves. Default <see cref="AutoregressiveHighway.Automatic"/>.
    /// </summary>
    public AutoregressiveHighway Highway { get; set; } = AutoregressiveHighway.Automatic;

    /// <summary>
    /// g in [0, 1], the share of the network's correction added to the highway (or to the last value without one).
    /// null: chosen among 0, ¼, ½, ¾ and 1 by the mean absolute error on the calibration origins, so a network that does
    /// not help the highway there is left out. Default null.
    /// </summary>
    public float? NetworkWeight { get; set; }

    /// <summary>Networks trained from consecutive seeds whose outputs are averaged (each costs one more training run). Default 1.</summary>
    public int EnsembleSize { get; set; } = 1;

    /// <summary>Multi-step strategy. Default <see cref="ForecastStrategy.Direct"/>.</summary>
    public ForecastStrategy Strategy { get; set; } = ForecastStrategy.Direct;

    /// <summary>The recurrent cell. Default <see cref="RecurrentCellType.Gru"/>.</summary>
    public RecurrentCellType Cell { get; set; } = RecurrentCellType.Gru;

    /// <summary>Hidden units. Default 32.</summary>
    public int HiddenSize { get; set; } = 32;

    /// <summary>Stacked recurrent layers. Default 1.</summary>
    public int NumberOfLayers { get; set; } = 1;

    /// <summary>Passes over the windows. Default 60.</summary>
    public int Epochs { get; set; } = 60;

    /// <summary>Windows per mini-batch. Default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Adam's learning rate. Default 0.005.</summary>
    public float LearningRate { get; set; } = 0.005f;

    /// <summary>Share of the latest windows used to calibrate the bounds (at least 10 of them), in (0, 1). Default 0.2.</summary>
    public float CalibrationFraction { get; set; } = 0.2f;

    /// <summary>
    /// Symmetric bounds <c>forecast ∓ q_c(|r_h|)</c> instead of the residual quantiles <c>q_{(1−c)/2}(r_h)</c>,
    /// <c>q_{(1+c)/2}(r_h)</c>: each bound then rests on every calibration residual rather than on one tail, which holds
    /// better when the calibration origins are few or their errors lean one way. Default true.
    /// </summary>
    public bool SymmetricBounds { get; set; } = true;

    /// <summary>
    /// Half-life, in observations, of σ̂ for scale-adaptive bounds, or 0 for static split conformal bounds. Default 30.
    /// When positive, the calibration residuals are divided by σ̂, the exponentially weighted mean absolute one-step error
    /// known at their origin (weight 2^(−1/half-life) on the past), the bounds are <c>forecast + σ̂ · q(r_h / σ̂)</c>, and
    /// σ̂ moves on online: each observation fed to the forecast engine (or to a transform's cursor) updates it with its
    /// error against the one-step forecast made just before it, so the bounds narrow or widen as the series calms or
    /// swings. σ̂ and the pending forecast are part of the state: <c>CheckPoint</c> saves them.
    /// </summary>
    public int AdaptiveBoundsHalfLife { get; set; } = 30;

    /// <summary>
    /// Step size γ of adaptive coverage, or 0 for a fixed quantile level. Default 0.05. With scale-adaptive bounds
    /// (<see cref="AdaptiveBoundsHalfLife"/> &gt; 0), the level of each horizon step's bounds moves online (adaptive
    /// conformal inference, Gibbs and Candès 2021): when the truth of step h arrives, α_h ← α_h + γ(1 − c − miss), miss = 1
    /// when it fell outside the interval forecast for it, and step h's bounds are the calibration scores' quantile at
    /// 1 − α_h. A miss widens that step's next bounds, a run of hits narrows them, so the share covered over time tracks
    /// the confidence level c even when the calibration years were calmer or wilder than the present. Larger γ follows
    /// faster but makes the bounds jumpier. The levels and the intervals awaiting their truths are part of the state
    /// (<c>CheckPoint</c> saves them), and the model keeps the scaled calibration scores (at most 2,048 evenly spaced
    /// order statistics per horizon step). Ignored with static bounds.
    /// </summary>
    public float AdaptiveCoverageRate { get; set; } = 0.05f;

    /// <summary>
    /// Fit the highway and train the networks again on every window after calibrating the bounds (twice the training
    /// time; the networks are not trained again when the network weight is 0). Default true.
    /// </summary>
    public bool RefitAfterCalibration { get; set; } = true;

    /// <summary>What to do with NaN values in the training series (<see cref="MissingValuePolicy.DropWindows"/> is not supported). Default error.</summary>
    public MissingValuePolicy MissingValues { get; set; } = MissingValuePolicy.Error;

    /// <summary>Seed of initialisation and shuffling; null takes the next seed of the <c>MLContext</c>. Default null.</summary>
    public int? Seed { get; set; }

    /// <summary>
    /// Called after every batch and epoch of every network trained, each run counting epochs from 1: the networks on the
    /// windows before the calibration origins, then, with <see cref="RefitAfterCalibration"/> and a network weight above
    /// 0, the refit on every window (ensemble members one after the other). Default null.
    /// </summary>
    public Action<TrainingProgress>? Progress { get; set; }

    /// <summary>
    /// A file the training state of the kept network is saved to, or null for none. Default null. With
    /// <see cref="RefitAfterCalibration"/> the network trained only to calibrate the bounds checkpoints to this path +
    /// <c>".calibration"</c>. Each is written after every <see cref="CheckpointEveryBatches"/> batches and every epoch's last,
    /// atomically, with the full training state (Rnn.Core's <c>TrainerOptions.CheckpointPath</c>).
    /// </summary>
    public string? CheckpointPath { get; set; }

    /// <summary>Batches between two checkpoints written to <see cref="CheckpointPath"/> (one is also written at every epoch's end); positive. Default 100.</summary>
    public int CheckpointEveryBatches { get; set; } = 100;

    /// <summary>
    /// The <see cref="CheckpointPath"/> of an interrupted fit to continue, or null to start afresh. Default null. Each training
    /// run resumes from its own file when it is there (this path + <c>".calibration"</c>, then this path) and starts afresh
    /// when it is not; with the same series, options and seed the fit ends with the weights of an uninterrupted one, bit for
    /// bit. <c>Fit</c> throws a <see cref="FileNotFoundException"/> when neither file exists and an
    /// <see cref="InvalidDataException"/> naming every difference when a file is from another run.
    /// </summary>
    public string? ResumeFrom { get; set; }

    internal RecurrentForecasterOptions Clone()
    {
        var copy = (RecurrentForecasterOptions)MemberwiseClone();
        copy.CovariateColumnNames = [.. CovariateColumnNames];
        return copy;
    }
}
