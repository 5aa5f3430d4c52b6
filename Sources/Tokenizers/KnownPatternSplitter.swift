/// A hand-written matcher for the pre-tokenizer regexes of GPT-2 and of the cl100k family (Qwen2,
/// Llama 3), giving exactly the words `RegexSplitter` gives for the same pattern, several times
/// faster (no ICU call and no match object per word).
///
/// The three patterns, recognised by their exact text:
/// - GPT-2 (`ByteLevel` with `use_regex`):
///   `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
/// - Qwen2 (`K` = 1, written `\p{N}`) and Llama 3 / cl100k (`K` = 3, written `\p{N}{1,3}`):
///   `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,K}| ?[^\s\p{L}\p{N}]+[\r\n]*|`
///   `\s*[\r\n]+|\s+(?!\S)|\s+`
///
/// At each position the first alternative that matches wins, with the backtracking result of a
/// regex engine worked out per alternative (see `matchEnd(from:)`). Every scalar is matched by some
/// alternative, so the words tile the text. `(?i)` case folding maps to these letters only ASCII
/// letters and U+017F `ſ` (simple folding to `s`), as ICU and Rust's regex do.
///
/// Text containing a scalar whose class the standard library and ICU might not agree on
/// (`ScalarClass.unverified`) is handed to ICU whole.
struct KnownPatternSplitter: Sendable {
    static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    static let qwen2Pattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"#
        + #"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let cl100kPattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"#
        + #"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    /// GPT-2's pattern, or the cl100k family's with at most `maximumDigits` digits per word.
    enum Family: Equatable, Sendable {
        case gpt2
        case cl100k(maximumDigits: Int)
    }

    let family: Family
    /// The same pattern through ICU, for text with unverified scalars.
    let fallback: RegexSplitter

    /// nil when `pattern` is not one of the three known patterns.
    init?(pattern: String) throws {
        switch pattern {
        case Self.gpt2Pattern: family = .gpt2
        case Self.qwen2Pattern: family = .cl100k(maximumDigits: 1)
        case Self.cl100kPattern: family = .cl100k(maximumDigits: 3)
        default: return nil
        }
        fallback = try RegexSplitter(pattern: pattern)
    }

    /// Calls `body` with the UTF-8 byte range of each word of `text` (whose UTF-8 is `bytes`), in order.
    ///
    /// - Complexity: O(n) for n bytes.
    func forEachRange(in text: String, bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        withUnsafeTemporaryAllocation(of: ScalarClass.self, capacity: bytes.count) { classes in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: bytes.count + 1) { offsets in
                var count = 0, index = 0
                while index < bytes.count {
                    let (value, length) = Self.decodeScalar(bytes, at: index)
                    let scalarClass = ScalarClass.of(value)
                    if scalarClass == .unverified {
                        fallback.forEachRange(in: text, bytes: bytes, body)
                        return
                    }
                    classes[count] = scalarClass
                    offsets[count] = Int32(index)
                    count += 1
                    index += length
                }
                offsets[count] = Int32(bytes.count)
                let scan = Scan(
                    family: family, bytes: bytes, classes: UnsafeBufferPointer(rebasing: classes[..<count]),
                    offsets: UnsafeBufferPointer(offsets))
                var start = 0
                while start < count {
                    let end = scan.matchEnd(from: start)
                    body(Int(offsets[start])..<Int(offsets[end]))
                    start = end
                }
            }
        }
    }

    /// The scalar value starting at `index` of valid UTF-8, and its length in bytes.
    @inline(__always)
    static func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int) {
        let lead = UInt32(bytes[index])
        if lead < 0x80 { return (lead, 1) }
        let second = UInt32(bytes[index + 1] & 0x3F)
        if lead < 0xE0 { return ((lead & 0x1F) << 6 | second, 2) }
        let third = UInt32(bytes[index + 2] & 0x3F)
        if lead < 0xF0 { return ((lead & 0x0F) << 12 | second << 6 | third, 3) }
        return ((lead & 0x07) << 18 | second << 12 | third << 6 | UInt32(bytes[index + 3] & 0x3F), 4)
    }

    /// One text's scalars, classified; `offsets[i]` is the UTF-8 offset of scalar `i` (and of the
    /// end, at `classes.count`).
    private struct Scan {
        let family: Family
        let bytes: UnsafeBufferPointer<UInt8>
        let classes: UnsafeBufferPointer<ScalarClass>
        let offsets: UnsafeBufferPointer<Int32>

        func isClass(_ index: Int, _ scalarClass: ScalarClass) -> Bool {
            index < classes.count && classes[index] == scalarClass
        }

        func runEnd(from index: Int, while predicate: (ScalarClass) -> Bool) -> Int {
            var end = index
            while end < classes.count, predicate(classes[end]) { end += 1 }
            return end
        }

        /// The end (scalar index, exclusive) of the word starting at `start`: the alternatives in order.
        func matchEnd(from start: Int) -> Int {
            let current = classes[start]
            let caseInsensitive = family != .gpt2
            // 's|'t|'re|'ve|'m|'ll|'d
            if current == .apostrophe, let end = contractionEnd(afterApostropheAt: start, caseInsensitive: caseInsensitive) {
                return end
            }
            switch family {
            case .gpt2:
                // ' ?\p{L}+' and ' ?\p{N}+'
                let body = current == .space && start + 1 < classes.count ? start + 1 : start
                if classes[body] == .letter || classes[body] == .number {
                    let runClass = classes[body]
                    return runEnd(from: body) { $0 == runClass }
                }
            case .cl100k(let maximumDigits):
                // '[^\r\n\p{L}\p{N}]?\p{L}+'
                if current == .letter { return runEnd(from: start) { $0 == .letter } }
                if current != .newline, current != .number, isClass(start + 1, .letter) {
                    return runEnd(from: start + 1) { $0 == .letter }
                }
                // '\p{N}{1,K}'
                if current == .number { return min(runEnd(from: start) { $0 == .number }, start + maximumDigits) }
            }
            // ' ?[^\s\p{L}\p{N}]+', then '[\r\n]*' for cl100k
            let punctuation = current == .space && start + 1 < classes.count && classes[start + 1].isPunctuation
                ? start + 1 : start
            if classes[punctuation].isPunctuation {
                let end = runEnd(from: punctuation) { $0.isPunctuation }
                return family == .gpt2 ? end : runEnd(from: end) { $0 == .newline }
            }
            return whitespaceEnd(from: start)
        }

        /// `'s|'t|'re|'ve|'m|'ll|'d` after the apostrophe at `index`, or nil.
        func contractionEnd(afterApostropheAt index: Int, caseInsensitive: Bool) -> Int? {
            switch contractionLetter(at: index + 1, caseInsensitive: caseInsensitive) {
            case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"):
                return index + 2
            case UInt8(ascii: "r"), UInt8(ascii: "v"):
                return contractionLetter(at: index + 2, caseInsensitive: caseInsensitive) == UInt8(ascii: "e")
                    ? index + 3 : nil
            case UInt8(ascii: "l"):
                return contractionLetter(at: index + 2, caseInsensitive: caseInsensitive) == UInt8(ascii: "l")
                    ? index + 3 : nil
            default:
                return nil
            }
        }

        /// The lowercase ASCII letter that scalar `index` is (or folds to, when case-insensitive).
        func contractionLetter(at index: Int, caseInsensitive: Bool) -> UInt8? {
            guard index < classes.count, classes[index] == .letter else { return nil }
            let offset = Int(offsets[index])
            let byte = bytes[offset]
            if byte >= UInt8(ascii: "a"), byte <= UInt8(ascii: "z") { return byte }
            guard caseInsensitive else { return nil }
            if byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") { return byte | 0x20 }
            // U+017F LATIN SMALL LETTER LONG S folds to "s".
            if byte == 0xC5, bytes[offset + 1] == 0xBF { return UInt8(ascii: "s") }
            return nil
        }

        /// `\s*[\r\n]+` (cl100k), then `\s+(?!\S)`, then `\s+`, for the whitespace at `start`.
        func whitespaceEnd(from start: Int) -> Int {
            let end = runEnd(from: start) { $0.isWhitespace }
            if family != .gpt2 {
                // \s* backtracks to the run's last \r or \n, which [\r\n]+ then takes.
                var last = end - 1
                while last >= start, classes[last] != .newline { last -= 1 }
                if last >= start { return last + 1 }
            }
            // \s+(?!\S): the whole run at the end of the text, else all but its last scalar; \s+ for one.
            if end == classes.count || end - start == 1 { return end }
            return end - 1
        }
    }
}
