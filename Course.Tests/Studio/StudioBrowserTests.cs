using Course.Chapters.Studio;
using NUnit.Framework;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Course.Tests.Studio;

/// <summary>
/// The studio in a real browser: Debian's Chromium, headless, through its chromedriver (<c>apt-get install chromium
/// chromium-driver</c>; .ci/run installs both). Without them the test is left out, saying so.
/// </summary>
[NonParallelizable]
[Category("Slow")]
public sealed class StudioBrowserTests
{
    private static string? Find(params string[] names) =>
        names.SelectMany(n => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(d => Path.Combine(d, n)))
            .FirstOrDefault(File.Exists);

    [Test]
    public async Task ARunDrawsItsCurvesLiveAndTwoRunsOverlay()
    {
        string? chromium = Find("chromium", "chromium-browser"), driver = Find("chromedriver");
        if (chromium is null || driver is null) Assert.Ignore("No Chromium and chromedriver here: apt-get install chromium chromium-driver.");
        Environment.SetEnvironmentVariable(Course.Core.Data.DataStore.EnvironmentVariable, TestEnvironment.DataRoot);
        await using var server = new StudioServer(Path.Combine(TestEnvironment.TempFolder(), "runs"), port: 0);
        await server.StartAsync();
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1100");
        using var browser = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        var wait = new WebDriverWait(browser, TimeSpan.FromSeconds(120)) { PollingInterval = TimeSpan.FromMilliseconds(100) };
        // The live view is drawn anew with each event, so an element found a moment ago may be gone: read through scripts.
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException));
        var js = (IJavaScriptExecutor)browser;
        string Text(string selector) => (string)js.ExecuteScript($"return document.querySelector('{selector}')?.textContent ?? '';")!;

        browser.Navigate().GoToUrl(new Uri(server.Address, "#/s/softmax-concise"));
        wait.Until(b => b.FindElements(By.CssSelector("pre.source span")).Count > 20);
        Assert.That(browser.FindElement(By.CssSelector("pre.source")).Text, Does.Contain("public sealed record Settings("), "the section's source");
        // Record what the run's header said when the first point of a curve was drawn.
        js.ExecuteScript("""
            new MutationObserver(() => {
              if (!window.firstPoint && document.querySelector('#live svg.chart polyline'))
                window.firstPoint = document.querySelector('#live h2').textContent;
            }).observe(document.body, { subtree: true, childList: true });
            """);
        void RunWith(string epochs, string limit)
        {
            var e = browser.FindElement(By.Id("setting-epochs"));
            e.Clear();
            e.SendKeys(epochs);
            var l = browser.FindElement(By.Id("setting-limit"));
            l.Clear();
            l.SendKeys(limit);
            browser.FindElement(By.Id("run")).Click();
        }
        RunWith("2", "6000");
        wait.Until(_ => Text("#live h2") == "Run run-1: completed");
        Assert.That(js.ExecuteScript("return window.firstPoint;"), Is.EqualTo("Run run-1: running"), "the curve's first point was drawn while the run went on");
        Assert.That(Text("#lines"), Does.Contain("examples/sec on cpu"));
        Assert.That(js.ExecuteScript("return [...document.querySelectorAll('#live a')].map(a => a.textContent);"), Does.Contain("metrics.json"));

        RunWith("3", "6000");
        wait.Until(_ => Text("#live h2") == "Run run-2: completed");
        string folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "TestResults");
        Directory.CreateDirectory(folder);
        Screenshot(browser, Path.Combine(folder, "studio-section.png"), "a section's source beside its live run");

        browser.Navigate().GoToUrl(new Uri(server.Address, "#/runs"));
        wait.Until(b => b.FindElements(By.CssSelector("#runs tbody tr")).Count == 2);
        foreach (var box in browser.FindElements(By.CssSelector("#runs input[type=checkbox]"))) box.Click();
        browser.FindElement(By.Id("compare")).Click();
        wait.Until(b => b.FindElements(By.CssSelector("#overlay svg.chart polyline")).Count >= 6);
        var series = (IReadOnlyCollection<object>)js.ExecuteScript("return [...document.querySelectorAll('#overlay svg.chart polyline')].map(p => p.dataset.series);")!;
        Assert.That(series.Select(s => ((string)s).Split(' ')[0]).Distinct().Count(), Is.EqualTo(2), "both runs' curves, over each other");

        Screenshot(browser, Path.Combine(folder, "studio-runs.png"), "two runs drawn together");
    }

    private static void Screenshot(ChromeDriver browser, string path, string what)
    {
        ((ITakesScreenshot)browser).GetScreenshot().SaveAsFile(path);
        TestContext.AddTestAttachment(path, what);
    }
}
