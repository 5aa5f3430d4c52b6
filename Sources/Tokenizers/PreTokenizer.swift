import Foundation

/// Splits normalized text into the words ("pre-tokens") that BPE encodes one at a time, as HF's
/// `Sequence` of `Split` (behavior `Isolated`) and a final `ByteLevel` step do.
///
/// Regular expressions run through `NSRegularExpression` (ICU), compiled once. ICU matches unicode
/// scalars, like HF's Oniguruma and tiktoken's fancy-regex: a combining mark after a space stays
/// apart from the space's word, where Swift `Regex`'s default grapheme semantics would fold them.
/// ICU reports UTF-16 ranges; they are turned into UTF-8 byte ranges by walking the text once.
///
/// The byte-level mapping itself is left to `BPEModel`, which works on raw bytes.
struct PreTokenizer: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable after init and documented thread-safe for
    // matching; swift-corelibs-foundation does not mark it Sendable.

    /// GPT-2's pattern, used by `ByteLevel` when `use_regex` is true.
    static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#

    enum Step {
        /// Matches become words; the text between matches too (`Isolated`).
        case split(NSRegularExpression)
        /// `ByteLevel(add_prefix_space: true)`: a space is put before text that does not start with one.
        case prefixSpace
    }

    let steps: [Step]

    /// - Throws: `TokenizerError.unsupportedComponent` for types other than `Sequence`, `Split` and
    ///   `ByteLevel`, for `Split` options other than `Isolated` without `invert`, and when no
    ///   `ByteLevel` step ends the sequence (this is a byte-level tokenizer);
    ///   `TokenizerError.invalidComponent` when a pattern does not compile.
    init(_ json: PreTokenizerJSON?, file: String) throws {
        guard let json else {
            throw TokenizerError.unsupportedComponent(
                file: file, component: "pre_tokenizer", type: "null (a ByteLevel pre-tokenizer is required)")
        }
        var flat: [(PreTokenizerJSON, String)] = []
        Self.flatten(json, key: "pre_tokenizer", into: &flat)
        var steps: [Step] = []
        var sawByteLevel = false
        for (component, key) in flat {
            if sawByteLevel {
                throw TokenizerError.unsupportedComponent(
                    file: file, component: key, type: "a step after ByteLevel (ByteLevel must come last)")
            }
            switch component {
            case .split(let pattern, let behavior, let invert):
                guard behavior == "Isolated", !invert else {
                    throw TokenizerError.unsupportedComponent(
                        file: file, component: key, type: "Split(behavior: \(behavior), invert: \(invert))")
                }
                steps.append(.split(try Self.compile(pattern, file: file, key: key)))
            case .byteLevel(let addPrefixSpace, let useRegex):
                sawByteLevel = true
                if addPrefixSpace { steps.append(.prefixSpace) }
                if useRegex { steps.append(.split(try Self.compile(.regex(Self.gpt2Pattern), file: file, key: key))) }
            case .unsupported(let type):
                throw TokenizerError.unsupportedComponent(file: file, component: key, type: type)
            case .sequence:
                preconditionFailure("flatten removes sequences")
            }
        }
        guard sawByteLevel else {
            throw TokenizerError.unsupportedComponent(
                file: file, component: "pre_tokenizer", type: "no ByteLevel step (a byte-level BPE needs one)")
        }
        self.steps = steps
    }

    private static func flatten(_ json: PreTokenizerJSON, key: String, into flat: inout [(PreTokenizerJSON, String)]) {
        if case .sequence(let members) = json {
            for (index, member) in members.enumerated() {
                flatten(member, key: "\(key).pretokenizers[\(index)]", into: &flat)
            }
        } else {
            flat.append((json, key))
        }
    }

    private static func compile(_ pattern: SplitPatternJSON, file: String, key: String) throws -> NSRegularExpression {
        let source = switch pattern {
        case .regex(let regex): regex
        case .literal(let literal): NSRegularExpression.escapedPattern(for: literal)
        }
        do {
            return try NSRegularExpression(pattern: source)
        } catch {
            throw TokenizerError.invalidComponent(
                file: file, component: key, reason: "pattern \(source.debugDescription) does not compile (\(error))")
        }
    }

    /// Calls `body` with the UTF-8 bytes of each non-empty word of `text`, in order.
    func forEachWord(in text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        apply(step: 0, to: text, body)
    }

    private func apply(step index: Int, to text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        if index == steps.count {
            var text = text
            text.withUTF8 { bytes in if !bytes.isEmpty { body(bytes) } }
            return
        }
        switch steps[index] {
        case .prefixSpace:
            apply(step: index + 1, to: text.utf8.first == 0x20 ? text : " " + text, body)
        case .split(let regex):
            var storage = text
            storage.withUTF8 { bytes in
                Self.forEachIsolatedRange(of: regex, in: text, bytes: bytes) { range in
                    let word = UnsafeBufferPointer(rebasing: bytes[range])
                    if index + 1 == steps.count {
                        body(word)
                    } else {
                        apply(step: index + 1, to: String(decoding: word, as: UTF8.self), body)
                    }
                }
            }
        }
    }

    /// The UTF-8 byte ranges of the matches of `regex` in `text` and of the non-empty gaps between
    /// them, in order (HF `SplitDelimiterBehavior::Isolated`). `bytes` is `text`'s UTF-8.
    ///
    /// - Complexity: O(n) beyond the matching itself; UTF-16 offsets are converted by one forward walk.
    static func forEachIsolatedRange(
        of regex: NSRegularExpression, in text: String, bytes: UnsafeBufferPointer<UInt8>,
        _ body: (Range<Int>) -> Void
    ) {
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
        var emittedUpTo = 0
        let whole = NSRange(location: 0, length: text.utf16.count)
        // Linux Foundation declares the block escaping; it is only called during the enumeration.
        withoutActuallyEscaping(body) { body in
            regex.enumerateMatches(in: text, options: [], range: whole) { match, _, _ in
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
