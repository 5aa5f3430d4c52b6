import Foundation
import ModelInterfaces
import ModelIO
import Tensors
import Testing
@testable import TextEncoders

/// Parity with Hugging Face transformers on the committed fixtures (see Fixtures/SCHEMA.md):
/// logits, every hidden state and two module captures, compared on real (unpadded) tokens with
/// max|Δ| / max|reference| ≤ 1e-4.
@Suite("Parity with transformers")
struct ParityTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Fixtures")
    static let models = ["qwen2", "qwen2-bf16", "qwen2_5_vl", "qwen2_5_vl-legacy-keys", "llama", "gpt2"]
    static let tolerance: Float = 1e-4

    struct Reference {
        let json: [String: Any]
        let tensors: SafetensorsFile

        init(_ directory: URL) throws {
            json = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appending(path: "reference.json"))) as! [String: Any]
            tensors = try SafetensorsFile(url: directory.appending(path: "reference.safetensors"))
        }

        var batches: [String: [String: Any]] { json["batches"] as! [String: [String: Any]] }

        func integers(_ name: String) throws -> [Int] {
            let bytes = try tensors.rawBytes(named: name)
            return (0..<(bytes.count / 8)).map { Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self))) }
        }
    }

    /// max|a − b| / max|b| over the rows where `mask` is 1 (rows of the flattened `[B·L, width]`).
    static func relativeError(_ actual: Tensor, _ expected: Tensor, mask: [Int]) -> Float {
        let width = expected.shape.last!
        let a = actual.reshaped([-1, width]).scalars, e = expected.reshaped([-1, width]).scalars
        var error: Float = 0, scale: Float = 0
        for row in mask.indices where mask[row] == 1 {
            for j in 0..<width {
                error = max(error, abs(a[row * width + j] - e[row * width + j]))
                scale = max(scale, abs(e[row * width + j]))
            }
        }
        return error / max(scale, 1e-12)
    }

    @Test("logits, hidden states and captures match transformers", arguments: models)
    func parity(model: String) throws {
        let directory = Self.fixtures.appending(path: model)
        let encoder = try TextEncoderLoader.load(directory: directory)
        let reference = try Reference(directory)
        for (prefix, batchInfo) in reference.batches {
            let ids = batchInfo["token_ids"] as! [[Int]]
            let padding = TokenBatch.Padding(rawValue: batchInfo["padding_side"] as! String)!
            let batch = TokenBatch(ids, padding: padding, padID: batchInfo["pad_token_id"] as! Int)
            #expect(batch.paddedIDs == (try reference.integers("\(prefix)input_ids")), "\(model) \(prefix): padded ids")
            let mask = try reference.integers("\(prefix)attention_mask")
            let probe = batchInfo["probe_module"] as! String, lastBlock = batchInfo["last_block_module"] as! String
            var hooks = ForwardHooks()
            hooks.hiddenStates = Set(0..<encoder.info.layerCount)
            hooks.finalHiddenState = true
            hooks.capture(probe, .input)
            hooks.capture(probe, .output)
            hooks.capture(lastBlock, .output)
            let out = try encoder.forward(batch, hooks: hooks)
            var compared: [(String, Tensor)] = [("logits", try out.logits), ("hidden_states.\(encoder.info.layerCount)", try out.finalHiddenState),
                                                ("capture.\(probe).input", out.captures[ModulePoint(probe, .input)]!),
                                                ("capture.\(probe).output", out.captures[ModulePoint(probe, .output)]!),
                                                ("capture.\(lastBlock).output", out.captures[ModulePoint(lastBlock, .output)]!)]
            for i in 0..<encoder.info.layerCount { compared.append(("hidden_states.\(i)", out.hiddenStates[i]!)) }
            for (name, value) in compared {
                let expected = try reference.tensors.tensor(named: prefix + name)
                let error = Self.relativeError(value, expected, mask: mask)
                #expect(error <= Self.tolerance, "\(model) \(prefix)\(name): relative error \(error)")
            }
        }
    }

    @Test("the tokenizer reproduces the reference token ids", arguments: models)
    func tokenization(model: String) throws {
        let directory = Self.fixtures.appending(path: model)
        let encoder = try TextEncoderLoader.load(directory: directory)
        let reference = try Reference(directory)
        let texts = reference.json["texts"] as! [String]
        let expected = reference.batches[""]!["token_ids"] as! [[Int]]
        // Llama 3's post-processor prepends <|begin_of_text|>; our encode adds no template.
        let bos = model == "llama" ? [try #require(encoder.tokenizer.encode("<|begin_of_text|>").first)] : []
        for (text, ids) in zip(texts, expected) {
            #expect(bos + (try encoder.tokenize(text)) == ids, "\(model): \(text.debugDescription)")
            #expect(try encoder.detokenize(try encoder.tokenize(text)) == text)
        }
    }
}
