import Foundation

/// Splits text at the matches of a regular expression, keeping both the matches and the text
/// between them as words (HF `Split` with behavior `Isolated`, invert false).
///
/// Matching runs through `NSRegularExpression` (ICU), compiled once. ICU matches unicode scalars,
/// like HF's Oniguruma and tiktoken's fancy-regex: a combining mark after a space stays apart from
/// the space's word, where Swift `Regex`'s default grapheme semantics would fold them together.
struct RegexSplitter: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable after init and thread-safe for matching;
    // swift-corelibs-foundation does not mark it Sendable.
    let regex: NSRegularExpression

    /// - Throws: the `NSRegularExpression` error when `pattern` does not compile.
    init(pattern: String) throws {
        regex = try NSRegularExpression(pattern: pattern)
    }

    /// Calls `body` with the UTF-8 byte ranges of the matches in `text` and of the non-empty gaps
    /// between them, in order; `bytes` is `text`'s UTF-8.
    ///
    /// ICU reports UTF-16 ranges. They are turned into UTF-8 offsets by one forward walk over the
    /// bytes (a 4-byte UTF-8 scalar is 2 UTF-16 units, the others 1), so astral-plane scalars such as
    /// emoji map correctly.
    ///
    /// - Complexity: O(n) beyond the matching itself.
    func forEachRange(in text: String, bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        var cursorUTF16 = 0, cursorUTF8 = 0
        /// Advances the (UTF-16, UTF-8) cursor to UTF-16 offset `target`, which lies on a scalar boundary.
        func utf8Offset(atUTF16 target: Int) -> Int {
            while cursorUTF16 < target {
                let lead = bytes[cursorUTF8]
                let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
                cursorUTF8 += length
                cursorUTF16 += length == 4 ? 2 : 1
            }
            return cursorUTF8
        }
        var utf16Count = 0
        for byte in bytes where byte & 0xC0 != 0x80 { utf16Count += byte >= 0xF0 ? 2 : 1 }
        var emittedUpTo = 0
        // Linux Foundation declares the block escaping; it is only called during the enumeration.
        withoutActuallyEscaping(body) { body in
            regex.enumerateMatches(in: text, options: [], range: NSRange(location: 0, length: utf16Count)) {
                match, _, _ in
                guard let range = match?.range, range.length > 0 else { return }
                let start = utf8Offset(atUTF16: range.location)
                let end = utf8Offset(atUTF16: range.location + range.length)
                if start > emittedUpTo { body(emittedUpTo..<start) }
                body(start..<end)
                emittedUpTo = end
            }
        }
        if emittedUpTo < bytes.count { body(emittedUpTo..<bytes.count) }
    }
}
