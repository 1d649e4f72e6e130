namespace Course.Core.Data;

/// <summary>
/// A data loader whose epochs draw a random order (a shuffle, a random offset). A resumed run skips the draws of the
/// epochs already done, so epoch k sees the order a straight run gives it.
/// </summary>
public interface IEpochOrder
{
    /// <summary>Makes the draws of <paramref name="epochs"/> epochs without producing their batches.</summary>
    void SkipEpochs(int epochs);
}
