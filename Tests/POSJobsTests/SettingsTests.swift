import POSAnalysis
import POSFormats
import POSJobs
import POSStore
import Testing

// One way to read options (docs/cli.md §1): flag, else POSRCA_*, else the default; the variable is
// read with the flag's parser and held to the flag's bounds, and a bad one names the variable.

@Suite("Settings: flag, then POSRCA_*, then the default")
struct SettingsTests {
    private func usageMessage(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as JobUsageError {
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test("the flag wins, else the variable, else nothing (the library's default)")
    func precedence() throws {
        let environment = Environment(["POSRCA_MAX_LINE_BYTES": "4096"])
        #expect(try Settings.maxLineBytes.resolve(2048, environment) == 2048)
        #expect(try Settings.maxLineBytes.resolve(nil, environment) == 4096)
        #expect(try Settings.maxLineBytes.resolve(nil, Environment([:])) == nil)
        #expect(try Settings.maxLineBytes.resolve(nil, Environment(["POSRCA_MAX_LINE_BYTES": ""])) == nil, "empty counts as unset")
    }

    @Test("a variable is held to the flag's bounds and parser, and a bad one names the variable")
    func variablesAreValidated() {
        #expect(usageMessage { _ = try Settings.maxLineBytes.resolve(100, Environment([:])) } == "--max-line-bytes must be at least 1024.")
        #expect(
            usageMessage { _ = try Settings.maxLineBytes.resolve(nil, Environment(["POSRCA_MAX_LINE_BYTES": "100"])) }
                == "POSRCA_MAX_LINE_BYTES 100 is not a whole number of at least 1024.")
        #expect(
            usageMessage { _ = try Settings.maxInflateRatio.resolve(nil, Environment(["POSRCA_MAX_INFLATE_RATIO": "1"])) }
                == "POSRCA_MAX_INFLATE_RATIO 1 is not a number of at least 2.")
        #expect(usageMessage { _ = try Settings.maxInflateRatio.resolve(nil, Environment(["POSRCA_MAX_INFLATE_RATIO": "nan"])) } != nil)
        #expect(
            usageMessage { _ = try Settings.terminalTz.resolve(nil, Environment(["POSRCA_TERMINAL_TZ": "Mars"])) }
                == "POSRCA_TERMINAL_TZ Mars is neither a UTC offset such as +08:00 or -0300 nor a tz database zone such as Asia/Shanghai.")
        #expect(
            usageMessage { _ = try Settings.acquirerTz.resolve(text: "CST", Environment([:])) }
                == "--acquirer-tz CST is neither a UTC offset such as +08:00 or -0300 nor a tz database zone such as Asia/Shanghai.")
        #expect(
            usageMessage { _ = try Settings.logFormat.resolve(nil, Environment(["POSRCA_LOG_FORMAT": "xml"])) }
                == "POSRCA_LOG_FORMAT xml is not one of text, json.")
        #expect(
            usageMessage { _ = try Settings.outcome.resolve(nil, Environment(["POSRCA_OUTCOME": "lost"])) }
                == "POSRCA_OUTCOME lost is not one of unknown, timeout, failed.")
        #expect(
            usageMessage { _ = try Settings.format.resolve(nil, Environment(["POSRCA_FORMAT": "xls"])) }
                == "POSRCA_FORMAT xls is not one of table, csv, json, jsonl.")
        #expect(
            usageMessage { _ = try Settings.since.resolve(text: "2026-13-01", Environment([:])) } == "--since 2026-13-01 is not a date YYYY-MM-DD.")
        #expect(usageMessage { _ = try Settings.top.resolve(-1, Environment([:])) } == "--top must be at least 0.")
    }

    @Test("time zones: the offsets and zone names the flag takes, from the variable too")
    func timeZones() throws {
        #expect(try Settings.terminalTz.resolve(nil, Environment(["POSRCA_TERMINAL_TZ": "-0300"])) == .offset(minutes: -180))
        #expect(try Settings.acquirerTz.resolve(nil, Environment(["POSRCA_ACQUIRER_TZ": "Z"])) == .offset(minutes: 0))
        #expect(try Settings.acquirerTz.resolve(text: "America/Sao_Paulo", Environment([:])) == .named("America/Sao_Paulo"))
        #expect(TimeZoneSetting("+5:45")?.description == "+05:45")
        #expect(TimeZoneSetting("-03:00")?.description == "-03:00")
        #expect(TimeZoneSetting("+25:00") == nil)
        #expect(TimeZoneSetting("CST") == nil)
    }

    @Test(
        "boolean variables: 1/true/yes on, 0/false/no off, anything else a usage error",
        arguments: [
            ("1", true), ("true", true), ("YES", true), ("0", false), ("false", false), ("No", false),
        ])
    func booleans(_ text: String, _ on: Bool) throws {
        for setting in [Settings.quiet, Settings.verifyUnchanged, Settings.noWait, Settings.noArchive, Settings.all, Settings.excel] {
            #expect(try setting.isOn(false, Environment([setting.variable: text])) == on, "\(setting.variable)=\(text)")
            #expect(try setting.isOn(true, Environment([setting.variable: text])), "the flag wins")
        }
    }

    @Test("a boolean variable that is neither on nor off names itself")
    func badBoolean() {
        #expect(
            usageMessage { _ = try Settings.verifyUnchanged.isOn(false, Environment(["POSRCA_VERIFY_UNCHANGED": "2"])) }
                == "POSRCA_VERIFY_UNCHANGED 2 is not 1, true or yes (on), or 0, false or no (off).")
        #expect(usageMessage { _ = try Settings.groupReadable.isOn(false, Environment(["POSRCA_GROUP_READABLE": "maybe"])) } != nil)
    }

    @Test("help names the variable and the default, from the setting")
    func help() {
        #expect(Settings.maxInflateRatio.help().hasSuffix("(env POSRCA_MAX_INFLATE_RATIO; default 200)"))
        #expect(Settings.maxLineBytes.help().hasSuffix("(env POSRCA_MAX_LINE_BYTES; default 1048576)"))
        #expect(Settings.quiet.help() == "Print no progress bar. (env POSRCA_QUIET=1)")
        #expect(Settings.top.help().hasSuffix("(env POSRCA_TOP; default 10)"))
        #expect(Settings.days.help().hasSuffix("(env POSRCA_DAYS; default 28)"))
    }

    @Test("the analysis: thresholds and window from flags or variables, each checked")
    func analysisSelection() throws {
        let environment = Environment(["POSRCA_DAYS": "7", "POSRCA_MIN_SUPPORT": "50", "POSRCA_OUTCOME": "timeout", "POSRCA_TOP": "3"])
        let fromEnvironment = try AnalysisSelection().options(environment)
        #expect(fromEnvironment.window == .lastDays(7))
        #expect(fromEnvironment.explain.minSupport == 50)
        #expect(fromEnvironment.target == .timeout)
        #expect(try AnalysisSelection().summary(language: .english, environment).top == 3)
        // A window flag replaces every window variable; a threshold flag its variable.
        let flags = try AnalysisSelection(since: "2026-11-01", thresholds: ["min-support": "20"]).options(environment)
        #expect(flags.window == .range(since: LocalDay.number("2026-11-01"), until: nil))
        #expect(flags.explain.minSupport == 20)
        #expect(
            usageMessage { _ = try AnalysisSelection().options(Environment(["POSRCA_MIN_SUPPORT": "0"])) }
                == "POSRCA_MIN_SUPPORT 0 is not a whole number of at least 1.")
        #expect(
            usageMessage { _ = try AnalysisSelection().options(Environment(["POSRCA_DAYS": "0"])) }
                == "POSRCA_DAYS 0 is not a whole number of at least 1.")
        #expect(
            usageMessage { _ = try AnalysisSelection(days: 3, all: true).options(Environment([:])) } == "--all takes no --days, --since or --until.")
        #expect(try AnalysisSelection().options(Environment([:])).window == AnalysisOptions().window)
    }
}
