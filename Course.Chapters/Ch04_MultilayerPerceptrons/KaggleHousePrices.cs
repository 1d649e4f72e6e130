using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using Course.Core.Training;
using Microsoft.Data.Analysis;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch04_MultilayerPerceptrons;

/// <summary>4.10 The Kaggle house-price data after d2l's preprocessing.</summary>
/// <param name="TrainFeatures">(1460, 331) float32 features of the training houses.</param>
/// <param name="TrainLabels">(1460, 1) float32 sale prices.</param>
/// <param name="TestFeatures">(1459, 331) float32 features of the test houses.</param>
/// <param name="TestIds">The test houses' ids, for <c>submission.csv</c>.</param>
/// <param name="FeatureNames">The 331 column names after one-hot encoding.</param>
public sealed record HouseData(Tensor TrainFeatures, Tensor TrainLabels, Tensor TestFeatures, IReadOnlyList<string> TestIds, IReadOnlyList<string> FeatureNames);

/// <summary>
/// 4.10 Predicting house prices on Kaggle: d2l's preprocessing, log-rmse, Adam, k-fold cross-validation and
/// <c>train_and_pred</c> writing <c>submission.csv</c>, with a linear model (the book's).
/// </summary>
[Section("kaggle-house", "4.10", "Predicting house prices on Kaggle", Dataset = "Kaggle house prices")]
public sealed class KaggleHousePrices : ISection<KaggleHousePrices.Settings>
{
    /// <summary>
    /// d2l's preprocessing: drop Id (and SalePrice), stack train and test, standardise the numeric columns, fill their
    /// missing values with 0, one-hot encode the rest with a NaN category, and split back into tensors.
    /// </summary>
    public static HouseData Load(DataStore store)
    {
        var (trainHeader, trainRows) = DataFrames.ReadCsv(store.Resolve(DataHub.KaggleHouseTrain));
        var (testHeader, testRows) = DataFrames.ReadCsv(store.Resolve(DataHub.KaggleHouseTest));
        if (trainHeader[0] != "Id" || trainHeader[^1] != "SalePrice" || !testHeader.AsSpan().SequenceEqual(trainHeader.AsSpan(..^1)))
            throw new CourseException("The Kaggle house-price files do not have the expected columns (Id, 79 features, SalePrice).");

        var rows = trainRows.Select(r => r[1..^1]).Concat(testRows.Select(r => r[1..])).ToArray();
        var features = DataFrames.OneHot(DataFrames.FillNumeric(DataFrames.Standardize(DataFrames.FromRows(trainHeader[1..^1], rows)), 0));
        using var scope = NewDisposeScope();
        var all = DataFrames.ToTensor(features).to(float32);
        var labels = tensor(trainRows.Select(r => float.Parse(r[^1]!, CultureInfo.InvariantCulture)).ToArray()).reshape(-1, 1);
        int n = trainRows.Length;
        return new HouseData(
            all.narrow(0, 0, n).contiguous().MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope(),
            all.narrow(0, n, all.shape[0] - n).contiguous().MoveToOuterDisposeScope(),
            testRows.Select(r => r[0]!).ToArray(), features.Columns.Select(c => c.Name).ToArray());
    }

    /// <summary>d2l's <c>get_k_fold_data(k, i, X, y)</c>: fold i (of size n // k) for validation, the other folds for training.</summary>
    public static (Tensor TrainX, Tensor TrainY, Tensor ValidX, Tensor ValidY) KFoldData(int k, int i, Tensor X, Tensor y)
    {
        if (k < 2) throw new CourseException($"k-fold cross-validation needs k ≥ 2, not {k}.");
        long foldSize = X.shape[0] / k;
        var trainParts = Enumerable.Range(0, k).Where(j => j != i).ToArray();
        return (cat(trainParts.Select(j => X.narrow(0, j * foldSize, foldSize)).ToArray(), 0),
                cat(trainParts.Select(j => y.narrow(0, j * foldSize, foldSize)).ToArray(), 0),
                X.narrow(0, i * foldSize, foldSize), y.narrow(0, i * foldSize, foldSize));
    }

    /// <summary>d2l's <c>log_rmse</c>: the RMSE between the logs of the predictions (clamped to ≥ 1) and of the prices.</summary>
    public static double LogRmse(nn.Module<Tensor, Tensor> net, ArrayLoader data) =>
        Math.Sqrt(Metrics.EvaluateLoss(net, data, (yHat, y) => (yHat.clamp_min(1).log() - y.log()).square()));

    /// <summary>The book's net: one Linear layer from the features to the price.</summary>
    public static Sequential LinearNet(int inputs) => nn.Sequential(nn.Linear(inputs, 1));

    /// <summary>The book's <c>k, num_epochs, lr, weight_decay, batch_size = 5, 100, 5, 0, 64</c>.</summary>
    public sealed record Settings(int K = 5, int Epochs = 100, double Lr = 5, [Range(0.0, double.MaxValue)] double WeightDecay = 0, int BatchSize = 64);

    /// <summary>
    /// d2l's <c>train</c>: Adam on the MSE, batches of <c>BatchSize</c>; returns the log-rmse of each evaluation set
    /// per epoch.
    /// </summary>
    public static IReadOnlyList<double[]> Fit(RunContext ctx, string name, Sequential net, Tensor X, Tensor y, Settings settings,
        Animator? animator, params (string Name, Tensor X, Tensor Y)[] evaluateOn)
    {
        var history = Train.Regression(ctx, net, new ArrayLoader(X, y, settings.BatchSize, shuffle: true, ctx.Options.Seed),
            (yHat, target) => (yHat - target).square().reshape(-1), Updaters.Adam(settings.Lr, settings.WeightDecay), settings.Epochs,
            evaluateOn.Select(d => (d.Name, new ArrayLoader(d.X, d.Y, 1024, shuffle: false))).ToArray(), evaluate: LogRmse, animator: animator, name: name);
        return history.Epochs.Select(e => e.Metrics.Values.ToArray()).ToArray();
    }

    /// <summary>
    /// The whole of 4.10: k-fold cross-validation (a line per fold, the first fold's curves plotted, the means), then
    /// <c>train_and_pred</c> on all training data, writing <c>submission.csv</c> (Id, SalePrice).
    /// </summary>
    public static void Run(RunContext ctx, Func<int, Sequential> makeNet, Settings settings)
    {
        var data = Load(ctx.Data);
        int inputs = (int)data.TrainFeatures.shape[1];
        ctx.Out.WriteLine($"features: train ({string.Join(", ", data.TrainFeatures.shape)}), test ({string.Join(", ", data.TestFeatures.shape)})");

        double trainSum = 0, validSum = 0;
        for (int i = 0; i < settings.K; i++)
        {
            var (trainX, trainY, validX, validY) = KFoldData(settings.K, i, data.TrainFeatures, data.TrainLabels);
            var animator = i == 0 ? ctx.Animator("k-fold", ["train", "valid"], LogAxes(settings.Epochs, "rmse")) : null;
            var losses = Fit(ctx, $"fold-{i + 1}", makeNet(inputs), trainX, trainY, settings, animator, ("train", trainX, trainY), ("valid", validX, validY));
            var (train, valid) = (losses[^1][0], losses[^1][1]);
            trainSum += train;
            validSum += valid;
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fold {i + 1}, train log rmse {train:F6}, valid log rmse {valid:F6}"));
            ctx.Metric($"fold_{i + 1}_valid_log_rmse", valid);
        }
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{settings.K}-fold validation: avg train log rmse: {trainSum / settings.K:F6}, avg valid log rmse: {validSum / settings.K:F6}"));
        ctx.Metric("mean_train_log_rmse", trainSum / settings.K);
        ctx.Metric("mean_valid_log_rmse", validSum / settings.K);

        var net = makeNet(inputs);
        var final = Fit(ctx, "final", net, data.TrainFeatures, data.TrainLabels, settings,
            ctx.Animator("train", ["train"], LogAxes(settings.Epochs, "log rmse")), ("train", data.TrainFeatures, data.TrainLabels));
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"train log rmse {final[^1][0]:F6}"));
        ctx.Metric("final_train_log_rmse", final[^1][0]);
        WriteSubmission(ctx.Output.File("submission.csv"), net, data);
        ctx.Out.WriteLine($"submission.csv: {data.TestIds.Count} predictions");
    }

    /// <summary>Predicts the test houses and writes Kaggle's <c>Id,SalePrice</c> file.</summary>
    public static void WriteSubmission(string path, nn.Module<Tensor, Tensor> net, HouseData data)
    {
        using var prices = net.Predict(data.TestFeatures);
        float[] predictions = prices.reshape(-1).data<float>().ToArray();
        var lines = data.TestIds.Zip(predictions, (id, price) => string.Create(CultureInfo.InvariantCulture, $"{id},{price}"));
        File.WriteAllLines(path, lines.Prepend("Id,SalePrice"));
    }

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s) => Run(ctx, LinearNet, s);

    private static AxesStyle LogAxes(int epochs, string ylabel) =>
        new() { XLabel = "epoch", YLabel = ylabel, XLim = (1, epochs), YScale = Scale.Log };
}
