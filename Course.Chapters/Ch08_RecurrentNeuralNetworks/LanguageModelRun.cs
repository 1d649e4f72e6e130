using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using Course.Core.Training;

namespace Course.Chapters.Ch08_RecurrentNeuralNetworks;

/// <summary>
/// What every language-model section of chapters 8 and 9 shares around d2l's <c>train_ch8</c>: a prediction for
/// "time traveller" every 10 epochs, the perplexity curve, the closing lines and the metrics.
/// </summary>
public static class LanguageModelRun
{
    /// <summary>Trains <paramref name="net"/>; <paramref name="name"/> tells runs of one section apart in figures and metrics.</summary>
    public static LanguageModelHistory Train(RunContext ctx, RecurrentLanguageModel net, SeqDataLoader data, Vocab vocab,
        UpdaterFactory updater, int epochs, string name)
    {
        string Predict(string prefix) => LanguageModelTrainer.Predict(prefix, 50, net, vocab);
        var trainer = new LanguageModelTrainer
        {
            Epochs = epochs,
            Device = ctx.Device,
            Progress = ctx.Progress,
            Checkpoint = ctx.Checkpoint(name),
            Weights = ctx.Weights(name),
            Animator = new Animator(ctx.Figure($"perplexity-{name}"), [name], new AxesStyle { XLabel = "epoch", YLabel = "perplexity", XLim = (10, epochs) }),
            EpochEnded = (epoch, _) =>
            {
                if (epoch % 10 == 0) ctx.Progress.Line(Predict("time traveller"));
            },
        };
        var history = trainer.Fit(net, data, updater);
        ctx.Out.WriteLine($"{name}: {history.SummaryLine(Devices.Describe(ctx.Device))}");
        ctx.Out.WriteLine(Predict("time traveller"));
        ctx.Out.WriteLine(Predict("traveller"));
        ctx.Metric($"{name}_perplexity", history.Perplexities[^1]);
        ctx.Metric($"{name}_tokens_per_sec", history.TokensPerSecond);
        return history;
    }
}
