/// The language of what posrca writes for people: finding sentences, recommendations, the
/// printed summary and `summary.html` (`--lang`, `POSRCA_LANG`). CSV column names and the values
/// of the views are an interface and stay as they are in every language.
public enum Language: String, Sendable, CaseIterable, Hashable {
    /// English, the default.
    case english = "en"
    /// Simplified Chinese, as ops at Chinese acquirers read it.
    case chinese = "zh-CN"

    /// The language named `text`: `en`, `zh-CN` (also `zh`, `zh_CN`, `zh-Hans`, any case); nil otherwise.
    public init?(name text: String) {
        switch String(text.lowercased().map { $0 == "_" ? "-" : $0 }) {
        case "en", "en-us", "en-gb", "english": self = .english
        case "zh", "zh-cn", "zh-hans", "zh-hans-cn", "chinese": self = .chinese
        default: return nil
        }
    }
}

/// A text in both languages.
public struct Bilingual: Sendable, Hashable {
    public var english: String
    public var chinese: String

    public init(_ english: String, _ chinese: String) {
        self.english = english
        self.chinese = chinese
    }

    public subscript(language: Language) -> String {
        language == .chinese ? chinese : english
    }
}
