import Foundation

/// The `normalizer` of a byte-level tokenizer: none, or Unicode NFC (Qwen2). A `Sequence` is
/// accepted when all its members are NFC (NFC is idempotent, so it is one NFC).
struct Normalizer: Sendable {
    let appliesNFC: Bool

    /// - Throws: `TokenizerError.unsupportedComponent` for any other normalizer type.
    init(_ json: NormalizerJSON?, file: String) throws {
        appliesNFC = try json.map { try Self.isNFC($0, key: "normalizer", file: file) } ?? false
    }

    private static func isNFC(_ json: NormalizerJSON, key: String, file: String) throws -> Bool {
        switch json {
        case .nfc:
            return true
        case .sequence(let members):
            for (index, member) in members.enumerated() {
                _ = try isNFC(member, key: "\(key).normalizers[\(index)]", file: file)
            }
            return !members.isEmpty
        case .unsupported(let type):
            throw TokenizerError.unsupportedComponent(file: file, component: key, type: type)
        }
    }

    /// `text` in NFC when this normalizer applies it, else unchanged.
    ///
    /// Text whose scalars are all below U+0300 is already NFC (no such scalar decomposes or
    /// composes with another), so it is returned without calling Foundation's normalizer; that
    /// covers all ASCII and Latin-1 text.
    func apply(_ text: Substring) -> String {
        guard appliesNFC, text.utf8.contains(where: { $0 >= 0xCC }) else { return String(text) }
        return text.precomposedStringWithCanonicalMapping
    }
}
