using System.Diagnostics;
using System.Globalization;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Core.Training;

public static partial class Train
{
    /// <summary>
    /// d2l's <c>train_ch8(net, train_iter, vocab, lr, num_epochs, device)</c> and <c>train_epoch_ch8</c> (8.5), used by
    /// 8.5, 8.6 and 9.1–9.4, with the updater d2l picks from the model (<c>optim.SGD</c>, or its own <c>sgd</c> for a
    /// model from scratch) given as <paramref name="updater"/>. With sequential partitioning the hidden state is carried
    /// from batch to batch (detached, so gradients stop at the batch); with random sampling it starts from zero for
    /// every batch. Gradients are clipped to norm 1. Every 10 epochs it prints the prediction for "time traveller" and
    /// draws the perplexity; at the end it prints d2l's closing lines and records <c>&lt;name&gt;_perplexity</c> and
    /// <c>&lt;name&gt;_tokens_per_sec</c>. <paramref name="name"/> tells apart the trainings of one section.
    /// </summary>
    public static TrainingHistory Ch8(RunContext ctx, RecurrentLanguageModel net, SeqDataLoader trainIter, Vocab vocab,
        UpdaterFactory updater, int numEpochs, string name)
    {
        string Predict(string prefix) => PredictCh8(prefix, 50, net, vocab);
        var animator = ctx.Animator($"perplexity-{name}", [name], new AxesStyle { XLabel = "epoch", YLabel = "perplexity", XLim = (10, numEpochs) });
        var run = TrainingRun.Begin(ctx, net, updater, numEpochs, trainIter, name);
        void Show(EpochRecord e, bool restored)
        {
            if (e.Epoch % 10 != 0 && e.Epoch != numEpochs) return;
            if (!restored && e.Epoch % 10 == 0) ctx.Out.WriteLine(Predict("time traveller"));
            animator.Add(e.Epoch, e.Metrics["perplexity"]);
        }
        foreach (var restored in run.History.Epochs) Show(restored, restored: true);

        foreach (int epoch in run.EpochsLeft)
        {
            net.train();
            using var metric = new DeviceSums(1, run.Device); // sum of training loss
            double tokens = 0;
            int batches = 0;
            var timer = Stopwatch.StartNew();
            Tensor[]? state = null;
            foreach (var (x, y) in trainIter)
            {
                tokens += y.numel();
                using var step = run.Step(x, y);
                var (X, Y) = (step.X, step.Y);
                var input = state is null || trainIter.UseRandomIter
                    ? net.BeginState((int)X.shape[0], run.Device)
                    : state.Select(s => s.detach()).ToArray();
                if (state is not null) foreach (var s in state) s.Dispose();
                run.Verify(input.Select((s, i) => ($"the initial state {i}", (Tensor?)s)).ToArray());
                var (yHat, newState) = net.call(X, input);
                var l = nn.functional.cross_entropy(yHat, Y.T.reshape(-1), reduction: nn.Reduction.None);
                run.Updater.Step(l.mean(), () => GradClipping(net, 1));
                metric.Add(l.sum());
                state = newState.Select(s => s.detach().MoveToOuterDisposeScope()).ToArray();
                batches++;
            }
            if (state is not null) foreach (var s in state) s.Dispose();
            run.Progress(epoch, batches, batches, tokens, timer.Elapsed.TotalSeconds);
            Show(run.EndEpoch(new Dictionary<string, double> { ["perplexity"] = Math.Exp(metric.Read()[0] / tokens) }, tokens), restored: false);
        }

        var history = run.History;
        double perplexity = history.Final["perplexity"];
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: perplexity {perplexity:F1}, {history.PerSecond:F1} tokens/sec on {Devices.Describe(run.Device)}"));
        ctx.Out.WriteLine(Predict("time traveller"));
        ctx.Out.WriteLine(Predict("traveller"));
        ctx.Metric($"{name}_perplexity", perplexity);
        ctx.Metric($"{name}_tokens_per_sec", history.PerSecond);
        return history;
    }

    /// <summary>
    /// d2l's <c>predict_ch8(prefix, num_preds, net, vocab, device)</c>: warms the state up on <paramref name="prefix"/>,
    /// then appends <paramref name="numPreds"/> characters, each the most likely next one. It runs where the model is.
    /// </summary>
    public static string PredictCh8(string prefix, int numPreds, RecurrentLanguageModel net, Vocab vocab)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var evaluating = net.Evaluating();
        var device = net.DeviceOf();
        var state = net.BeginState(1, device);
        var outputs = new List<int> { vocab[prefix[0].ToString()] };
        Tensor LastInput() => tensor(new long[] { outputs[^1] }, device: device).reshape(1, 1);
        foreach (char c in prefix[1..])
        {
            (_, state) = net.call(LastInput(), state);
            outputs.Add(vocab[c.ToString()]);
        }
        for (int i = 0; i < numPreds; i++)
        {
            var (y, next) = net.call(LastInput(), state);
            state = next;
            outputs.Add((int)y.argmax(1).item<long>());
        }
        return string.Concat(vocab.ToTokens(outputs));
    }
}
