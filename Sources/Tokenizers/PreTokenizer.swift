import Foundation

/// Splits normalized text into the words ("pre-tokens") that BPE encodes one at a time, as HF's
/// `Sequence` of `Split` (behavior `Isolated`) steps and a final `ByteLevel` step do.
///
/// A `Split` pattern is matched by `KnownPatternSplitter` when it is one of the GPT-2 / Qwen2 /
/// Llama 3 patterns, and by ICU through `RegexSplitter` otherwise. The byte-level mapping itself is
/// left to `BPEModel`, which works on raw bytes.
struct PreTokenizer: Sendable {
    enum Splitter: Sendable {
        case known(KnownPatternSplitter)
        case regex(RegexSplitter)

        func forEachRange(in text: String, bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
            switch self {
            case .known(let splitter): splitter.forEachRange(in: text, bytes: bytes, body)
            case .regex(let splitter): splitter.forEachRange(in: text, bytes: bytes, body)
            }
        }
    }

    enum Step: Sendable {
        /// Matches become words; the text between matches too (`Isolated`).
        case split(Splitter)
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
        var steps: [Step] = []
        var sawByteLevel = false
        try Self.appendSteps(of: json, key: "pre_tokenizer", file: file, to: &steps, sawByteLevel: &sawByteLevel)
        guard sawByteLevel else {
            throw TokenizerError.unsupportedComponent(
                file: file, component: "pre_tokenizer", type: "no ByteLevel step (a byte-level BPE needs one)")
        }
        self.steps = steps
    }

    /// Appends the steps of `json` (named `key` in errors), flattening sequences.
    private static func appendSteps(
        of json: PreTokenizerJSON, key: String, file: String, to steps: inout [Step], sawByteLevel: inout Bool
    ) throws {
        func requireNoByteLevelYet() throws {
            if sawByteLevel {
                throw TokenizerError.unsupportedComponent(
                    file: file, component: key, type: "a step after ByteLevel (ByteLevel must come last)")
            }
        }
        switch json {
        case .sequence(let members):
            for (index, member) in members.enumerated() {
                try appendSteps(
                    of: member, key: "\(key).pretokenizers[\(index)]", file: file, to: &steps, sawByteLevel: &sawByteLevel)
            }
        case .split(let pattern, let behavior, let invert):
            try requireNoByteLevelYet()
            guard behavior == "Isolated", !invert else {
                throw TokenizerError.unsupportedComponent(
                    file: file, component: key, type: "Split(behavior: \(behavior), invert: \(invert))")
            }
            steps.append(.split(try compile(pattern, file: file, key: key)))
        case .byteLevel(let addPrefixSpace, let useRegex):
            try requireNoByteLevelYet()
            sawByteLevel = true
            if addPrefixSpace { steps.append(.prefixSpace) }
            if useRegex { steps.append(.split(try compile(.regex(KnownPatternSplitter.gpt2Pattern), file: file, key: key))) }
        case .unsupported(let type):
            throw TokenizerError.unsupportedComponent(file: file, component: key, type: type)
        }
    }

    private static func compile(_ pattern: SplitPatternJSON, file: String, key: String) throws -> Splitter {
        let source = switch pattern {
        case .regex(let regex): regex
        case .literal(let literal): NSRegularExpression.escapedPattern(for: literal)
        }
        do {
            if let known = try KnownPatternSplitter(pattern: source) { return .known(known) }
            return .regex(try RegexSplitter(pattern: source))
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
        case .split(let splitter):
            var storage = text
            storage.withUTF8 { bytes in
                splitter.forEachRange(in: text, bytes: bytes) { range in
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
}
