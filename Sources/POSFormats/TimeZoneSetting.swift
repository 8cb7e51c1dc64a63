/// The zone of log times written without an offset, as `--terminal-tz` and `--acquirer-tz` and
/// their variables give it (docs/cli.md §2.1, formats.md §2.3): a fixed UTC offset, or a tz
/// database zone whose daylight saving time is followed. Both options and both variables are
/// read by `init?(_:)` alone.
public enum TimeZoneSetting: Sendable, Hashable, CustomStringConvertible {
    /// A fixed offset, minutes east of UTC (+480 for China): `+08:00`, `-0300`, `+8`, `Z`, `UTC`.
    case offset(minutes: Int)
    /// A tz database zone, `Area/Location` (`Asia/Shanghai`, `America/Sao_Paulo`, `Etc/GMT-8`).
    case named(String)

    /// Reads an offset (`Timestamps.parseOffset`) or a zone the tz database knows
    /// (`JVMTimeZone(option:)`); nil for anything else, `CST` and other abbreviations included.
    public init?(_ text: String) {
        if let minutes = Timestamps.parseOffset(text) {
            self = .offset(minutes: minutes)
        } else if JVMTimeZone(option: text) != nil {
            self = .named(text)
        } else {
            return nil
        }
    }

    /// Why a value is refused, after the option or variable and the value, for error messages.
    public static let refusal = "is neither a UTC offset such as +08:00 or -0300 nor a tz database zone such as Asia/Shanghai"

    /// The zone times are read in; nil for a name the tz database no longer knows.
    public var zone: JVMTimeZone? {
        switch self {
        case .offset(let minutes): JVMTimeZone(offsetMinutes: minutes)
        case .named(let name): JVMTimeZone(option: name)
        }
    }

    /// `+08:00`, `-03:00`, `+05:45`, or the zone's name.
    public var description: String {
        switch self {
        case .offset(let minutes): JVMTimeZone(offsetMinutes: minutes).identifier
        case .named(let name): name
        }
    }
}
