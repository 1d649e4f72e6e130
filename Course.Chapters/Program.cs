System.Console.WriteLine(Course.Core.Probe.Sum());
