/// What the GPT-2 / cl100k pre-tokenizer patterns need to know about one unicode scalar: whether it
/// is in `\p{L}`, `\p{N}` or `\s` (ICU: general categories L*, N* and the White_Space property),
/// and the few scalars the patterns name.
enum ScalarClass: UInt8 {
    case letter
    case number
    /// `\r` or `\n`, the only scalars the patterns' `[\r\n]` names (other line breaks are `\s`).
    case newline
    /// U+0020, the optional `" ?"` prefix of the patterns.
    case space
    /// Any other `\s`.
    case otherWhitespace
    /// U+0027, which starts the contractions `'s`, `'t`, …
    case apostrophe
    /// Everything else (punctuation, symbols, marks, emoji, controls, private use).
    case other
    /// Unassigned, or assigned after Unicode 15.0: the Swift standard library and the ICU that
    /// `NSRegularExpression` uses may disagree on it, so text containing it goes to ICU.
    case unverified

    /// The newest Unicode version whose assignments both the standard library and ICU are trusted to
    /// share (Unicode 15.0 is in ICU 72+ and Swift 5.9+). The tests compare every scalar with ICU.
    static let trustedUnicodeVersion = (major: 15, minor: 0)

    /// The class of scalar `value`; O(1) for the Basic Multilingual Plane (a 64 KiB table built on
    /// first use), a property lookup beyond it.
    @inline(__always)
    static func of(_ value: UInt32) -> ScalarClass {
        value < 0x1_0000 ? basicMultilingualPlane[Int(value)] : compute(value)
    }

    private static let basicMultilingualPlane: [ScalarClass] = (0..<0x1_0000).map { compute(UInt32($0)) }

    static func compute(_ value: UInt32) -> ScalarClass {
        switch value {
        case 0x0A, 0x0D: return .newline
        case 0x20: return .space
        case 0x27: return .apostrophe
        default: break
        }
        guard let scalar = Unicode.Scalar(value) else { return .unverified }  // a surrogate code point
        let properties = scalar.properties
        guard let age = properties.age, age <= trustedUnicodeVersion else { return .unverified }
        if properties.isWhitespace { return .otherWhitespace }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }

    var isWhitespace: Bool { self == .newline || self == .space || self == .otherWhitespace }
    /// In `[^\s\p{L}\p{N}]`.
    var isPunctuation: Bool { self == .apostrophe || self == .other }
}
