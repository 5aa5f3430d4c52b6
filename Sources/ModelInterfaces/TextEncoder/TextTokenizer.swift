/// Text ⇄ token ids, as a ``TextEncoder`` needs it. The `Tokenizers` module's byte-level BPE is
/// the implementation for Hugging Face checkpoints; tests may supply their own.
public protocol TextTokenizer: Sendable {
    /// Ids of `text`; special-token text (e.g. `<|im_start|>`) becomes its special id.
    func encode(_ text: String) throws -> [Int]
    /// Text of `ids`.
    /// - Throws: when an id names no token.
    func decode(_ ids: [Int]) throws -> String
}
