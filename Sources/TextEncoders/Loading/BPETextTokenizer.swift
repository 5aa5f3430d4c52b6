import Foundation
import KnowledgeEditing
import Tokenizers

/// A checkpoint's `tokenizer.json` as the ``TextTokenizer`` of a text encoder.
struct BPETextTokenizer: TextTokenizer {
    let tokenizer: BPETokenizer

    init(directory: URL) throws {
        tokenizer = try BPETokenizer(contentsOf: directory.appending(path: "tokenizer.json"))
    }

    func encode(_ text: String) throws -> [Int] { tokenizer.encode(text) }

    func decode(_ ids: [Int]) throws -> String { try tokenizer.decode(ids) }
}
