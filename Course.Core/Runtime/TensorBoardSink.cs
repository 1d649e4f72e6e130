using Course.Core.Events;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Core.Runtime;

/// <summary>
/// TensorBoard's listener: every epoch's metrics as scalars under <c>tensorboard/</c> in the run folder, tagged
/// <c>&lt;training&gt;/&lt;metric&gt;</c> (<c>model/train_loss</c>), the writer made at the first epoch (it writes each scalar to its file as it comes).
/// </summary>
internal sealed class TensorBoardSink(RunDirectory output)
{
    private SummaryWriter? _writer;

    public void On(RunEvent e)
    {
        if (e is not EpochEnded epoch) return;
        _writer ??= utils.tensorboard.SummaryWriter(output.File("tensorboard"));
        foreach (var (name, value) in epoch.Metrics)
            _writer.add_scalar($"{epoch.Training}/{name.Replace(' ', '_')}", (float)value, epoch.Epoch);
    }
}
