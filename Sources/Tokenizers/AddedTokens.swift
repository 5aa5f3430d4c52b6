/// One piece of text after added tokens have been split out of it.
enum TextSegment {
    /// Text to normalize, pre-tokenize and encode with BPE.
    case text(Substring)
    /// An added token, already resolved to its id.
    case addedToken(id: Int)
}

/// Finds added tokens (`<|im_start|>`, …) in text, leftmost first and longest first at one position,
/// exactly as HF's `AddedVocabulary::find_matches` with its leftmost-longest Aho–Corasick automaton.
///
/// Per token: `single_word` discards a match that touches a word character (`\w`) on either side;
/// `lstrip`/`rstrip` widen a match over the white space (`\s`) to its left/right, never into an
/// earlier match. Matching is byte-wise on UTF-8, so a match always starts and ends on scalar
/// boundaries (both sides are valid UTF-8).
struct AddedTokenMatcher: Sendable {
    struct Token: Sendable {
        let id: Int
        let content: [UInt8]
        let singleWord: Bool
        let leftStrip: Bool
        let rightStrip: Bool
    }

    /// Tokens whose content starts with byte `b` are `candidates[b]`, longest first.
    private let candidates: [[Token]]
    let isEmpty: Bool

    init(_ tokens: [Token]) {
        var candidates = [[Token]](repeating: [], count: 256)
        for token in tokens where !token.content.isEmpty {
            candidates[Int(token.content[0])].append(token)
        }
        self.candidates = candidates.map { $0.sorted { $0.content.count > $1.content.count } }
        isEmpty = tokens.allSatisfy { $0.content.isEmpty }
    }

    /// Calls `body` with the segments of `text` in order: text between matches (never empty) and
    /// matched tokens.
    ///
    /// - Complexity: O(n · k) in the worst case for n bytes and k tokens sharing a first byte;
    ///   O(n) when no byte starts a token.
    func forEachSegment(of text: Substring, _ body: (TextSegment) -> Void) {
        guard !isEmpty else {
            if !text.isEmpty { body(.text(text)) }
            return
        }
        let utf8 = text.utf8
        let bytes = Array(utf8)
        func substring(_ range: Range<Int>) -> Substring {
            let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
            let end = utf8.index(start, offsetBy: range.count)
            return text[start..<end]
        }
        var emittedUpTo = 0
        var position = 0
        while position < bytes.count {
            guard let token = longestMatch(in: bytes, at: position) else {
                position += 1
                continue
            }
            var start = position, end = position + token.content.count
            if token.singleWord, Self.touchesWordCharacter(bytes, start: start, end: end) {
                position = end
                continue
            }
            if token.leftStrip { start = max(Self.startOfWhitespaceRun(bytes, endingAt: start), emittedUpTo) }
            if token.rightStrip { end = Self.endOfWhitespaceRun(bytes, startingAt: end) }
            if start > emittedUpTo { body(.text(substring(emittedUpTo..<start))) }
            body(.addedToken(id: token.id))
            emittedUpTo = end
            position = end
        }
        if emittedUpTo < bytes.count { body(.text(substring(emittedUpTo..<bytes.count))) }
    }

    private func longestMatch(in bytes: [UInt8], at position: Int) -> Token? {
        for token in candidates[Int(bytes[position])] where position + token.content.count <= bytes.count {
            var index = 1
            while index < token.content.count, bytes[position + index] == token.content[index] { index += 1 }
            if index == token.content.count { return token }
        }
        return nil
    }

    // MARK: Scalars around a match

    /// The scalar that ends just before byte offset `end` (a scalar boundary), and its start offset.
    private static func scalar(in bytes: [UInt8], endingAt end: Int) -> (Unicode.Scalar, Int)? {
        guard end > 0 else { return nil }
        var start = end - 1
        while start > 0, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return scalar(in: bytes, startingAt: start).map { ($0.0, start) }
    }

    /// The scalar that starts at byte offset `start` (a scalar boundary), and its end offset.
    private static func scalar(in bytes: [UInt8], startingAt start: Int) -> (Unicode.Scalar, Int)? {
        guard start < bytes.count else { return nil }
        var iterator = bytes[start...].makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return nil }
        return (scalar, start + UTF8.width(scalar))
    }

    /// Rust regex's `\w`: alphabetic, marks, decimal digits, connector punctuation, join controls.
    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return properties.isAlphabetic || properties.isJoinControl
        }
    }

    private static func touchesWordCharacter(_ bytes: [UInt8], start: Int, end: Int) -> Bool {
        if let (before, _) = scalar(in: bytes, endingAt: start), isWordCharacter(before) { return true }
        if let (after, _) = scalar(in: bytes, startingAt: end), isWordCharacter(after) { return true }
        return false
    }

    private static func startOfWhitespaceRun(_ bytes: [UInt8], endingAt end: Int) -> Int {
        var start = end
        while let (scalar, scalarStart) = scalar(in: bytes, endingAt: start), scalar.properties.isWhitespace {
            start = scalarStart
        }
        return start
    }

    private static func endOfWhitespaceRun(_ bytes: [UInt8], startingAt start: Int) -> Int {
        var end = start
        while let (scalar, scalarEnd) = scalar(in: bytes, startingAt: end), scalar.properties.isWhitespace {
            end = scalarEnd
        }
        return end
    }
}
