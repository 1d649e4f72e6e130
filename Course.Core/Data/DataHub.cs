namespace Course.Core.Data;

/// <summary>
/// Every data set of chapters 2–11 (d2l's <c>DATA_HUB</c>, 4.10): URL and checksum of each file. Fashion-MNIST comes
/// from Zalando's servers and is checked by the SHA-1 of its decompressed IDX content.
/// </summary>
public static class DataHub
{
    /// <summary>d2l's <c>DATA_URL</c>.</summary>
    public const string DataUrl = "http://d2l-data.s3-accelerate.amazonaws.com/";

    private const string FashionMnistUrl = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

    /// <summary>H. G. Wells, <i>The Time Machine</i> (8.2).</summary>
    public static readonly RemoteFile TimeMachine =
        new("time_machine", "timemachine.txt", DataUrl + "timemachine.txt", "090b5e7e70c295757f55df93cb0a180b9691891a", 178979);

    /// <summary>Kaggle house prices, training split (4.10).</summary>
    public static readonly RemoteFile KaggleHouseTrain =
        new("kaggle_house_train", "kaggle_house_pred_train.csv", DataUrl + "kaggle_house_pred_train.csv", "585e9cc93e70b39160e7921475f9bcd7d31219ce", 460676);

    /// <summary>Kaggle house prices, test split (4.10).</summary>
    public static readonly RemoteFile KaggleHouseTest =
        new("kaggle_house_test", "kaggle_house_pred_test.csv", DataUrl + "kaggle_house_pred_test.csv", "fa19780a7b011d9b009e8bff8e99922a8ee2eb90", 451405);

    /// <summary>NASA's airfoil self-noise measurements (11.5): 1,503 rows of 6 tab-separated numbers.</summary>
    public static readonly RemoteFile Airfoil =
        new("airfoil", "airfoil_self_noise.dat", DataUrl + "airfoil_self_noise.dat", "76e5be1548fd8222e5074cf0faae75edff8cf93f", 59984);

    /// <summary>English–French pairs (9.5): <c>fra-eng.zip</c>, unpacked to <c>fra-eng/fra.txt</c>.</summary>
    public static readonly RemoteArchive FraEng =
        new(new RemoteFile("fra-eng", "fra-eng.zip", DataUrl + "fra-eng.zip", "94646ad1522d915e7b0f9296181140edcf86a4f5"), "fra-eng", "fra.txt",
            "c43f99dce27311d3afd4d3e0716848194cfcc103", 11669748);

    /// <summary>Fashion-MNIST training images (3.5).</summary>
    public static readonly RemoteFile FashionMnistTrainImages = FashionMnist("train-images-idx3-ubyte.gz", "b9bd999c0106c9b8b4b0cefce58c9a6060f27095", 47040016);

    /// <summary>Fashion-MNIST training labels (3.5).</summary>
    public static readonly RemoteFile FashionMnistTrainLabels = FashionMnist("train-labels-idx1-ubyte.gz", "4bccf37222e01638381eaa326bf730337a597267", 60008);

    /// <summary>Fashion-MNIST test images (3.5).</summary>
    public static readonly RemoteFile FashionMnistTestImages = FashionMnist("t10k-images-idx3-ubyte.gz", "880056926db704f9f713097915f99da346f5b1d1", 7840016);

    /// <summary>Fashion-MNIST test labels (3.5).</summary>
    public static readonly RemoteFile FashionMnistTestLabels = FashionMnist("t10k-labels-idx1-ubyte.gz", "958122e8b4b97fd4e71eca2d08ef754ed77c3ad9", 10008);

    /// <summary>Every file, in the order the <c>data</c> command lists them.</summary>
    public static IReadOnlyList<RemoteFile> Files { get; } =
    [
        FashionMnistTrainImages, FashionMnistTrainLabels, FashionMnistTestImages, FashionMnistTestLabels,
        KaggleHouseTrain, KaggleHouseTest, TimeMachine, Airfoil,
    ];

    /// <summary>Every archive, in the order the <c>data</c> command lists them.</summary>
    public static IReadOnlyList<RemoteArchive> Archives { get; } = [FraEng];

    private static RemoteFile FashionMnist(string file, string contentSha1, long contentSize) =>
        new("fashion_mnist/" + file.Split('-')[0] + "-" + file.Split('-')[1], "fashion-mnist/" + file, FashionMnistUrl + file, contentSha1, contentSize, ChecksumOfContent: true);
}
