using System.Diagnostics;
using System.Globalization;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using Course.Core.Seq2Seq;
using static TorchSharp.torch;

namespace Course.Core.Training;

public static partial class Train
{
    /// <summary>
    /// d2l's <c>train_seq2seq(net, data_iter, lr, num_epochs, tgt_vocab, device)</c> (9.7), used by 9.7, 9.8 and
    /// chapter 10: Xavier weights, Adam, <see cref="MaskedSoftmaxCELoss"/>, teacher forcing (the decoder reads
    /// <c>&lt;bos&gt;</c> and the target shifted right), the summed loss back-propagated and the gradients clipped to
    /// norm 1. The loss is d2l's: the sum of the sequences' mean losses over the number of valid tokens, drawn every 10
    /// epochs; at the end d2l's closing line and the metrics <c>loss</c> and <c>tokens_per_sec</c>.
    /// </summary>
    public static TrainingHistory Seq2Seq(RunContext ctx, EncoderDecoder net, NmtLoader dataIter, double lr, int numEpochs, Vocab tgtVocab)
    {
        XavierInit(net);
        var animator = ctx.Animator("loss", ["train"], new AxesStyle { XLabel = "epoch", YLabel = "loss", XLim = (10, numEpochs) });
        var run = TrainingRun.Begin(ctx, net, Updaters.Adam(lr), numEpochs, dataIter);
        void Show(EpochRecord e)
        {
            if (e.Epoch % 10 == 0 || e.Epoch == numEpochs) animator.Add(e.Epoch, e.Metrics["loss"]);
        }
        foreach (var restored in run.History.Epochs) Show(restored);

        int bos = tgtVocab["<bos>"];
        foreach (int epoch in run.EpochsLeft)
        {
            net.train();
            using var metric = new DeviceSums(2, run.Device); // sum of training loss, number of tokens
            int batches = 0;
            var timer = Stopwatch.StartNew();
            foreach (var (x, xValidLen, y, yValidLen) in dataIter)
            {
                using var step = run.Step(x, xValidLen, y, yValidLen);
                var (X, XValidLen, Y, YValidLen) = (step.Batch[0], step.Batch[1], step.Batch[2], step.Batch[3]);
                var bosColumn = full(Y.shape[0], 1, bos, dtype: Y.dtype, device: run.Device);
                var decInput = cat([bosColumn, Y[.., ..^1]], 1); // teacher forcing
                var (yHat, _) = net.call(X, decInput, XValidLen);
                var l = MaskedSoftmaxCELoss.Compute(yHat, Y, YValidLen).sum();
                run.Updater.Step(l, () => GradClipping(net, 1));
                metric.Add(l, YValidLen.sum());
                batches++;
            }
            double[] sums = metric.Read();
            run.Progress(epoch, batches, batches, sums[1], timer.Elapsed.TotalSeconds);
            Show(run.EndEpoch(new Dictionary<string, double> { ["loss"] = sums[0] / sums[1] }, sums[1]));
        }

        var history = run.History;
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"loss {history.Final["loss"]:F3}, {history.PerSecond:F1} tokens/sec on {Devices.Describe(run.Device)}"));
        ctx.Metric("loss", history.Final["loss"]);
        ctx.Metric("tokens_per_sec", history.PerSecond);
        return history;
    }
}
