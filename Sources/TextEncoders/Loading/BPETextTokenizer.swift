import Foundation
import ModelInterfaces
import Tokenizers

/// A checkpoint's tokenizer as the ``TextTokenizer`` of a text encoder: `tokenizer.json` (or the
/// Qwen2 `vocab.json` + `merges.txt` + `tokenizer_config.json` files) in the checkpoint directory,
/// else in a sibling `tokenizer/` folder, where a diffusers pipeline keeps the tokenizer of its
/// `text_encoder/` (the Qwen-Image repository's layout).
struct BPETextTokenizer: TextTokenizer {
    let tokenizer: BPETokenizer

    init(directory: URL) throws {
        let sibling = directory.deletingLastPathComponent().appending(path: "tokenizer")
        let folder = !BPETokenizer.hasTokenizerFiles(in: directory) && BPETokenizer.hasTokenizerFiles(in: sibling)
            ? sibling : directory
        tokenizer = try BPETokenizer(contentsOf: folder)
    }

    func encode(_ text: String) throws -> [Int] { tokenizer.encode(text) }

    func decode(_ ids: [Int]) throws -> String { try tokenizer.decode(ids) }
}
