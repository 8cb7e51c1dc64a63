import POSFormats
import Testing

/// An independent Luhn check, written the textbook way, to pick test numbers that truly pass or fail.
private func luhn(_ digits: String) -> Bool {
    var sum = 0
    for (position, character) in digits.reversed().enumerated() {
        var d = Int(String(character))!
        if position % 2 == 1 {
            d *= 2
            if d > 9 { d -= 9 }
        }
        sum += d
    }
    return sum % 10 == 0
}

@Suite("CardNumbers: PAN masking")
struct CardNumbersTests {
    /// Published test card numbers (Visa 16 and 13, Amex 15, Diners 14, UnionPay 19) and
    /// Luhn-valid 12, 17, 18 and 20 digit runs made for these tests.
    static let visa16 = "4111111111111111"
    static let visa13 = "4222222222222"
    static let amex15 = "378282246310005"
    static let diners14 = "30569309025904"
    static let unionPay19 = "6228480402564890018"
    static let valid12 = "123456789015"
    static let valid17 = "62284800000000000"
    static let valid18 = "622848000000000122"
    static let valid20 = "62284804025648900181"
    static let track2PAN = "6228480000000001230"

    @Test func testNumbersAreWhatTheTestsSayTheyAre() {
        for valid in [
            Self.visa16, Self.visa13, Self.amex15, Self.diners14, Self.unionPay19, Self.valid12,
            Self.valid17, Self.valid18, Self.valid20, Self.track2PAN,
        ] {
            #expect(luhn(valid), "\(valid)")
        }
        #expect(!luhn("4111111111111112"))
        #expect(!luhn("6228480000000001234"))
    }

    @Test(arguments: ["4111111111111111", "4222222222222", "378282246310005", "6228480402564890018", "0", "00", "18"])
    func passesLuhnAgreesWithTheTextbook(digits: String) {
        var bytes = Array(digits.utf8)
        let result = bytes.withUnsafeMutableBytes { CardNumbers.passesLuhn(UnsafeRawBufferPointer($0)) }
        #expect(result == luhn(digits))
    }

    @Test(arguments: [
        ("4111111111111111", "411111******1111", 1),
        ("4222222222222", "422222***2222", 1),
        ("378282246310005", "378282*****0005", 1),
        ("30569309025904", "305693****5904", 1),
        ("6228480402564890018", "622848*********0018", 1),
        ("62284800000000000", "622848*******0000", 1),
        ("622848000000000122", "622848********0122", 1),
        // 12 and 20 digits are outside 13–19, Luhn or not.
        ("123456789015", "123456789015", 0),
        ("62284804025648900181", "62284804025648900181", 0),
        // Fails Luhn: a STAN-and-amount run, a mistyped PAN.
        ("4111111111111112", "4111111111111112", 0),
        ("20261120081502123", "20261120081502123", 0),
        // Several in one string, next to letters and separators.
        ("pan=4111111111111111 alt=378282246310005;", "pan=411111******1111 alt=378282*****0005;", 2),
        ("card4111111111111111x", "card411111******1111x", 1),
        // Track-2 equivalents (issue 9): PAN, expiry, service code and discretionary data all go.
        ("6228480000000001230=25121010000012300000", "*******************=********************", 1),
        ("\(track2PAN)D2512101", "*******************D*******", 1),
        ("track2: 4111111111111111d25121010", "track2: ****************d********", 1),
        // An EMV field 55 in hex: tag 5A (PAN) and tag 57 (track-2 equivalent) in one run of digits.
        (
            "9F2608A1B2C3D4E5F607085A0841111111111111115713411111111111111D25122011234567890F",
            "9F2608A1B2C3D4E5F607085A*************************************D*****************F", 1
        ),
        // Too short to be track 2 on either side: left to the card-number rule.
        ("41111111111=2512", "41111111111=2512", 0),
        ("4111111111111111=251", "411111******1111=251", 1),
        // Digits of a decimal number are not a card number (a load average, an amount).
        ("uptime (0.4111111111111111)", "uptime (0.4111111111111111)", 0),
        ("4111111111111111.25", "4111111111111111.25", 0),
        // A full stop that ends a sentence is not a decimal point.
        ("card 4111111111111111.", "card 411111******1111.", 1),
        ("v1.2 4111111111111111", "v1.2 411111******1111", 1),
        // Chinese around it, and an already masked value, stay as they are.
        ("卡号6228480402564890018已消费", "卡号622848*********0018已消费", 1),
        ("622848******1234", "622848******1234", 0),
        ("", "", 0),
    ])
    func masks(text: String, masked: String, count: Int) {
        let result = CardNumbers.mask(text)
        #expect(result.text == masked)
        #expect(result.masked == count)
    }

    /// Hex strings (not dumps) of ASCII digits, as a binary or TLV field is logged: read as the
    /// bytes they encode and masked as a dump's bytes are, each hidden digit becoming `2A` (`*`).
    /// Expected texts were encoded with Python's `bytes.hex()`, not with the code under test.
    @Test(
        "hex strings of ASCII digits",
        arguments: [
            // Visa 16: 411111******1111, encoded.
            ("34313131313131313131313131313131", "3431313131312A2A2A2A2A2A31313131", 1),
            ("f55=34313131313131313131313131313131;", "f55=3431313131312A2A2A2A2A2A31313131;", 1),
            // Lowercase hex is read too; the masked pairs are written as dumps write them.
            ("tag 5a10 34313131313131313131313131313131 end", "tag 5a10 3431313131312A2A2A2A2A2A31313131 end", 1),
            // Other bytes before and after it in the same hex string (a length byte, a tag).
            ("011034313131313131313131313131313131FF", "01103431313131312A2A2A2A2A2A31313131FF", 1),
            // UnionPay 19 and Visa 13.
            ("36323238343830343032353634383930303138", "3632323834382A2A2A2A2A2A2A2A2A30303138", 1),
            ("34323232323232323232323232", "3432323232322A2A2A32323232", 1),
            // Track-2 equivalents: the 19 digits before `3D` (=) or `44` (D) and all after it go.
            (
                "363232383438303030303030303030313233303D3235313231303130303030303132333030303030",
                "2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A3D2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A", 1
            ),
            ("343131313131313131313131313131314432353132313031", "2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A442A2A2A2A2A2A2A", 1),
            // Fails Luhn, 20 encoded digits (part of a longer number), a decimal number: kept.
            ("34313131313131313131313131313132", "34313131313131313131313131313132", 0),
            ("3431313131313131313131313131313131313131", "3431313131313131313131313131313131313131", 0),
            ("343131313131313131313131313131312E3235", "343131313131313131313131313131312E3235", 0),
            ("302E34313131313131313131313131313131", "302E34313131313131313131313131313131", 0),
            // Already masked: masking again changes nothing.
            ("3431313131312A2A2A2A2A2A31313131", "3431313131312A2A2A2A2A2A31313131", 0),
            // A plain 32-digit number that is not digit pairs.
            ("12345678901234567890123456789012", "12345678901234567890123456789012", 0),
        ])
    func hexStrings(text: String, masked: String, count: Int) {
        let result = CardNumbers.mask(text)
        #expect(result.text == masked)
        #expect(result.masked == count)
        var bytes = Array(text.utf8)
        let found = bytes.withUnsafeMutableBytes { CardNumbers.containsCardNumber(UnsafeRawBufferPointer($0)) }
        #expect(found == (count > 0))
        #expect(CardNumbers.mask(result.text).text == result.text, "masking is idempotent")
    }

    @Test func containsCardNumberMatchesMask() {
        for text in [
            "x 4111111111111111 y", "4111111111111112", "123456789015", "6228480000000001230=2512",
            "0.4111111111111111", "41111111111=2512", "x4111111111111111D2512",
        ] {
            var bytes = Array(text.utf8)
            let found = bytes.withUnsafeMutableBytes { CardNumbers.containsCardNumber(UnsafeRawBufferPointer($0)) }
            #expect(found == (CardNumbers.mask(text).masked > 0), "\(text)")
        }
    }

    @Test func maskInPlaceKeepsLengthAndCounts() {
        var bytes = Array("a4111111111111111b378282246310005".utf8)
        let count = bytes.withUnsafeMutableBytes { CardNumbers.maskInPlace($0) }
        #expect(count == 2)
        #expect(String(decoding: bytes, as: UTF8.self) == "a411111******1111b378282*****0005")
    }

    @Test(arguments: [
        // A card field is masked whatever Luhn says.
        ("4111111111111112", "411111******1112", true),
        ("4111111111111111", "411111******1111", true),
        ("6228 4804 0256 4890 018", "6228 48** **** ***0 018", true),
        // Already masked as the terminal logged it: nothing more to hide.
        ("622848******1234", "622848******1234", false),
        ("622848XXXXXX1234", "622848XXXXXX1234", false),
        ("622848xxxxxx1234", "622848xxxxxx1234", false),
        ("622848######1234", "622848######1234", false),
        // jPOS's ISOUtil.protect (danilomauricio/authorizationSwitch q2.log:85), and spaces as marks.
        ("447398______1381", "447398______1381", false),
        ("447398      1381", "447398      1381", false),
        ("4473981234__1381", "447398****__1381", true),
        ("  4111111111111111  ", "  411111******1111  ", true),
        // Short values show no digit at all.
        ("1234567890", "**********", true),
        ("12345678901", "123456*8901", true),
        ("", "", false),
        ("none", "none", false),
    ])
    func masksCardFields(value: String, masked: String, hidden: Bool) {
        let result = CardNumbers.maskCardField(value)
        #expect(result.text == masked)
        #expect(result.masked == hidden)
    }
}
