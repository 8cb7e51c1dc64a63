import ArgumentParser

GenerateSampleLogs.main()
