using System.Globalization;

namespace Course.Core.Training;

/// <summary>
/// d2l's <c>train_2d</c> (11.3): a 2-D optimiser run from (−5, −2), the trace that sections 11.3–11.8 draw over the
/// contour lines of their objective (<see cref="Plotting.ContourChart.SaveTrace2d"/>).
/// </summary>
public static class Optimization2d
{
    /// <summary>
    /// One step of a 2-D optimiser: takes (x1, x2, s1, s2), returns the new ones (s1, s2 are its state, such as a
    /// velocity or a sum of squared gradients).
    /// </summary>
    public delegate (double X1, double X2, double S1, double S2) Trainer(double x1, double x2, double s1, double s2);

    /// <summary>
    /// d2l's <c>train_2d(trainer, steps=20)</c>: starts at (−5, −2) with state (0, 0), runs <paramref name="steps"/>
    /// steps, keeps every (x1, x2) including the start, and prints once at the end the book's line
    /// <c>epoch {steps}, x1: {x1:f}, x2: {x2:f}</c> (six decimals, as Python's <c>f'{float(x):f}'</c>) to
    /// <paramref name="output"/>.
    /// </summary>
    /// <returns>The <paramref name="steps"/> + 1 points of the trace, the start first.</returns>
    public static IReadOnlyList<(double X1, double X2)> Train2d(TextWriter output, Trainer trainer, int steps = 20)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        double x1 = -5, x2 = -2, s1 = 0, s2 = 0;
        var results = new List<(double X1, double X2)>(steps + 1) { (x1, x2) };
        for (int i = 0; i < steps; i++)
        {
            (x1, x2, s1, s2) = trainer(x1, x2, s1, s2);
            results.Add((x1, x2));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {steps}, x1: {x1:F6}, x2: {x2:F6}"));
        return results;
    }
}
