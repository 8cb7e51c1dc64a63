// libFuzzer target: the timestamp parsers (`Timestamps.parseRFC3339`, `parseJavaDate`,
// `parseAcquirerTime`, `parseOffset`, `zoneOffsetMinutes`).
//
// Besides not crashing, what a parser accepts must mean what the text says: the parsed instant,
// moved back to the writer's offset and printed by `formatUTC`, gives the date and clock of the
// text (a leap second `:60` is kept inside its minute as `:59`); offsets lie within a day; an
// RFC 3339 time prints and parses back to the same instant; `parseOffset` reads back the
// offset it returned, printed as `+hh:mm`.

import POSFormats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTimestamps(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let text = String(decoding: input, as: UTF8.self)

    for defaultOffset in [480, -180] {
        if let time = Timestamps.parseRFC3339(input, defaultOffsetMinutes: defaultOffset) {
            checkTime(time)
            let local = Timestamps.formatUTC(time.utcMilliseconds + Int64(time.offsetMinutes) * 60_000)
            var written = Array(input.prefix(19))
            written[10] = UInt8(ascii: "T")
            if written[17] == UInt8(ascii: "6") { written[17] = UInt8(ascii: "5"); written[18] = UInt8(ascii: "9") }
            require(Array(local.utf8.prefix(19)) == written, "RFC 3339 \(text) read as local \(local)")
            if let year = Int(local.prefix(4)), year >= 1, year <= 9999, local.utf8.count == 24 {
                let utc = Timestamps.formatUTC(time.utcMilliseconds)
                if utc.utf8.count == 24, !utc.hasPrefix("-"), !utc.hasPrefix("0000") {
                    let again = Timestamps.parseRFC3339(utc, defaultOffsetMinutes: defaultOffset)
                    require(again == LoggedTime(utcMilliseconds: time.utcMilliseconds, offsetMinutes: 0), "\(utc) reads back as \(String(describing: again))")
                }
            }
        }
        if let time = Timestamps.parseJavaDate(input, defaultOffsetMinutes: defaultOffset) {
            checkTime(time)
            let local = Timestamps.formatUTC(time.utcMilliseconds + Int64(time.offsetMinutes) * 60_000)
            // `Thu Dec 18 15:12:37 UYST 2014.486`: the clock is the fourth token.
            // Split the bytes: a combining mark after a space would join it in a Character split.
            let tokens = input.split(separator: 0x20)
            require(tokens.count == 6, "Java date of \(tokens.count) tokens accepted: \(text)")
            // `17:14:12.659` (jPOS 2.0.0–2.0.2): the fraction is the milliseconds, not the clock.
            var clock = String(decoding: tokens[3].prefix(8), as: UTF8.self)
            if clock.hasSuffix(":60") { clock = String(clock.dropLast(2)) + "59" }
            let localClock = local.split(separator: "T").last.map { String($0.prefix(8)) } ?? ""
            require(localClock == clock, "Java date \(text) read as local \(local)")
        }
    }
    if let written = Timestamps.parseAcquirerTime(input) {
        // The jPOS reader agrees with the strict ones wherever they read the text.
        if let offset = written.offsetMinutes { require(offset > -24 * 60 && offset < 24 * 60, "at offset \(offset) from \(text)") }
        for defaultOffset in [480, -180] {
            if let strict = Timestamps.parseRFC3339(input, defaultOffsetMinutes: defaultOffset) ?? Timestamps.parseJavaDate(input, defaultOffsetMinutes: defaultOffset) {
                require(written.resolved(defaultOffsetMinutes: defaultOffset) == strict, "\(text): jPOS reader and strict reader differ")
            }
        }
    }
    if let minutes = Timestamps.parseOffset(text) {
        require(minutes > -24 * 60 && minutes < 24 * 60, "offset \(minutes) from \(text)")
        let magnitude = abs(minutes)
        let printed = (minutes < 0 ? "-" : "+") + pad(magnitude / 60) + ":" + pad(magnitude % 60)
        require(Timestamps.parseOffset(printed) == minutes, "\(printed) does not read back as \(minutes)")
    }
    if let minutes = Timestamps.zoneOffsetMinutes(text) {
        require(minutes > -24 * 60 && minutes < 24 * 60, "zone offset \(minutes) from \(text)")
    }
    return 0
}

private func pad(_ value: Int) -> String {
    value < 10 ? "0\(value)" : "\(value)"
}
