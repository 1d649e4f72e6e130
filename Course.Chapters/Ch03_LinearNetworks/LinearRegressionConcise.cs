using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch03_LinearNetworks;

/// <summary>3.3 Concise linear regression: <c>load_array</c>, <c>nn.Linear(2, 1)</c>, <c>MSELoss</c> and <c>optim.SGD</c>.</summary>
[Section("linreg-concise", "3.3", "Concise implementation of linear regression", Dataset = "synthetic")]
public sealed class LinearRegressionConcise : ISection<LinearRegressionConcise.Settings>
{
    /// <summary>The book's <c>batch_size = 10</c>, <c>lr = 0.03</c>, <c>num_epochs = 3</c>, on 1000 examples (fewer with <c>--limit</c>).</summary>
    public sealed record Settings(int Epochs = 3, int BatchSize = 10, double Lr = 0.03, int? Limit = null);

    /// <summary>The book's net: <c>nn.Sequential(nn.Linear(2, 1))</c> with weights from N(0, 0.01) and a zero bias.</summary>
    public static Sequential Net()
    {
        var linear = nn.Linear(2, 1);
        using (no_grad())
        {
            nn.init.normal_(linear.weight, 0, 0.01);
            nn.init.zeros_(linear.bias);
        }
        return nn.Sequential(linear);
    }

    /// <summary><c>nn.MSELoss</c> per example: (ŷ − y)².</summary>
    public static Tensor SquaredError(Tensor yHat, Tensor y) => (yHat - y.reshape(yHat.shape)).square();

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var (features, labels) = LinearRegressionScratch.Data(s.Limit ?? 1000);
        var net = Net();
        var losses = LinearRegressionScratch.Fit(ctx, net, features, labels, SquaredError, Updaters.Sgd(s.Lr), s.Epochs, s.BatchSize);
        var linear = (Linear)net[0];
        LinearRegressionScratch.ReportRecovery(ctx, linear.weight!.detach().reshape(-1), linear.bias!.detach(), losses);
    }
}
