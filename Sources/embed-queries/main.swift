import Glibc

// The tool behind the EmbedQueries build plugin: `embed-queries OUTPUT.swift QUERY.sql…` writes
// one Swift source holding each query's name (its file name without `.sql`) and whole text, in
// the order given (the plugin sorts them by name). The text is one escaped string literal, ASCII
// only, so it compiles to exactly the file's characters (a multi-line literal would turn CRLF
// into LF).

/// The whole file at `path`, or exit 1 naming it.
func contents(of path: String) -> [UInt8] {
    guard let file = fopen(path, "rb") else { fail("cannot open \(path): \(String(cString: strerror(errno)))") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, file)
        if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
        if n < buffer.count {
            if ferror(file) != 0 { fail("cannot read \(path)") }
            return bytes
        }
    }
}

/// `text` as the body of a Swift string literal, with every character outside printable ASCII escaped.
func literal(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case " "..."~": out.unicodeScalars.append(scalar)
        default: out += "\\u{" + String(scalar.value, radix: 16) + "}"
        }
    }
    return out
}

func fail(_ message: String) -> Never {
    let line = Array("embed-queries: \(message)\n".utf8)
    _ = write(2, line, line.count)
    exit(1)
}

let arguments = CommandLine.arguments.dropFirst()
guard let output = arguments.first else { fail("usage: embed-queries OUTPUT.swift QUERY.sql…") }
var source = """
    // Generated at build time by the EmbedQueries plugin from the .sql files of Queries/.

    extension BuiltInQueries {
        /// (name, whole file text) of each `NAME.sql`, sorted by name.
        static let generatedFiles: [(name: String, text: String)] = [

    """
for path in arguments.dropFirst() {
    let file = path.split(separator: "/").last.map(String.init) ?? path
    guard file.hasSuffix(".sql") else { fail("\(path) is not a .sql file") }
    let text = String(decoding: contents(of: path), as: UTF8.self)
    source += "        (\"\(literal(String(file.dropLast(4))))\", \"\(literal(text))\"),\n"
}
source += "    ]\n}\n"

let temporary = output + ".tmp"
guard let file = fopen(temporary, "wb") else { fail("cannot write \(temporary): \(String(cString: strerror(errno)))") }
let bytes = Array(source.utf8)
let written = fwrite(bytes, 1, bytes.count, file)
guard fclose(file) == 0, written == bytes.count, rename(temporary, output) == 0 else { fail("cannot write \(output)") }
