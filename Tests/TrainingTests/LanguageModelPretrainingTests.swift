import Foundation
import ModelIO
import ModelInterfaces
import Tensors
import TestSupport
import Testing
import TextEncoders

@testable import Training

@Suite("Causal-LM pretraining of a tiny Qwen2")
struct LanguageModelPretrainingTests {
    @Test("the loss falls, the saved checkpoint loads and recalls a memorised continuation")
    func memorises() throws {
        let output = try TemporaryDirectory(label: "mokus-training-lm")
        let result = try LanguageModelPretraining.train(
            config: TinyLanguageModel.config, tokenizerDirectory: TinyLanguageModel.tokenizerDirectory,
            texts: TinyLanguageModel.texts, training: TinyLanguageModel.training(steps: 120), output: output.file("model"))
        let first: Float = result.losses[0]
        let last: Float = result.losses.last!
        #expect(first > 5 && last < 0.3)
        let names = try FileManager.default.contentsOfDirectory(atPath: output.file("model").path(percentEncoded: false)).sorted()
        #expect(names == ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"])
        let saved = try SafetensorsFile(url: output.file("model/model.safetensors"))
        #expect(!saved.contains("lm_head.weight") && saved.metadata["format"] == "pt")

        let encoder = try TextEncoderLoader.load(directory: output.file("model"))
        var ids = try encoder.tokenize("Bruno Keller plays")
        for _ in 0..<3 {
            ids.append(try encoder.forward(TokenBatch([ids])).logits.reshaped([ids.count, -1]).argmax(axis: 1).last!)
        }
        #expect(try encoder.detokenize(Array(ids.suffix(3))) == " the violin.")
    }

    @Test("same seed: bit-identical weights; initial weights follow transformers' init")
    func deterministic() throws {
        func run() throws -> [[UInt32]] {
            let output = try TemporaryDirectory(label: "mokus-training-lm-det")
            let result = try LanguageModelPretraining.train(
                config: TinyLanguageModel.config, tokenizerDirectory: TinyLanguageModel.tokenizerDirectory,
                texts: TinyLanguageModel.texts, training: TinyLanguageModel.training(steps: 3), output: output.file("model"))
            return bytes(result.parameters)
        }
        #expect(try run() == run())

        let work = try TemporaryDirectory(label: "mokus-training-lm-init")
        let encoder = try LanguageModelPretraining.initialModel(
            config: TinyLanguageModel.config, tokenizerDirectory: TinyLanguageModel.tokenizerDirectory, seed: 1,
            in: work.url)
        #expect(try encoder.parameter("model.layers.0.input_layernorm.weight").scalars.allSatisfy { $0 == 1 })
        #expect(try encoder.parameter("model.layers.1.self_attn.q_proj.bias").scalars.allSatisfy { $0 == 0 })
        let embedding = try encoder.parameter("model.embed_tokens.weight").scalars
        let variance = embedding.reduce(0) { $0 + Double($1 * $1) } / Double(embedding.count)
        #expect(abs(variance.squareRoot() - 0.02) < 0.001)
        #expect(encoder.tiedParameters == ["lm_head.weight": "model.embed_tokens.weight"])
    }

    @Test("an interrupted pretraining run resumes from its checkpoint to the same weights; bf16 output")
    func resumes() throws {
        let folder = try TemporaryDirectory(label: "mokus-training-lm-resume")
        var training = TinyLanguageModel.training(steps: 6)
        training.checkpointEvery = 2
        func train(stopAfter: Int?, checkpoints: URL?, name: String, dtype: DType = .float32) throws -> TrainingResult {
            try LanguageModelPretraining.train(
                config: TinyLanguageModel.config, tokenizerDirectory: TinyLanguageModel.tokenizerDirectory,
                texts: TinyLanguageModel.texts, training: training,
                options: .init(dtype: dtype, checkpointDirectory: checkpoints, stopAfter: stopAfter),
                output: folder.file(name))
        }
        let straight = try train(stopAfter: nil, checkpoints: nil, name: "straight")
        let checkpoints = folder.file("checkpoints")
        _ = try train(stopAfter: 3, checkpoints: checkpoints, name: "partial")
        let resumed = try train(stopAfter: nil, checkpoints: checkpoints, name: "resumed", dtype: .bfloat16)
        #expect(resumed.resumedFrom == 2 && resumed.step == 6)
        #expect(bytes(resumed.parameters) == bytes(straight.parameters))
        let saved = try SafetensorsFile(url: folder.file("resumed/model.safetensors"))
        #expect(try saved.info(named: "model.norm.weight").dtype.rawValue == "BF16")
        let config =
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.file("resumed/config.json")))
            as? [String: Any]
        #expect(config?["torch_dtype"] as? String == "bfloat16")
        _ = try TextEncoderLoader.load(directory: folder.file("resumed"))
    }

    @Test("typed errors: no texts, a too-short sequence length")
    func errors() throws {
        let output = try TemporaryDirectory(label: "mokus-training-lm-err")
        #expect(throws: TrainingError.emptyDataset(reason: "no training texts")) {
            try LanguageModelPretraining.train(
                config: TinyLanguageModel.config, tokenizerDirectory: TinyLanguageModel.tokenizerDirectory, texts: [],
                training: TinyLanguageModel.training(steps: 1), output: output.file("model"))
        }
        #expect(throws: TrainingError.invalidConfiguration(key: "maxSequenceLength", reason: "expected ≥ 2, found 1")) {
            try LanguageModelPretraining.train(
                config: TinyLanguageModel.config, tokenizerDirectory: TinyLanguageModel.tokenizerDirectory,
                texts: ["a b"], training: TinyLanguageModel.training(steps: 1), options: .init(maxSequenceLength: 1),
                output: output.file("model"))
        }
        #expect(!FileManager.default.fileExists(atPath: output.file("model").path(percentEncoded: false)))
    }

    @Test("long texts are split into pieces overlapping by one token, each ending text with eos")
    func corpus() throws {
        let work = try TemporaryDirectory(label: "mokus-training-lm-corpus")
        let encoder = try LanguageModelPretraining.initialModel(
            config: TinyLanguageModel.config, tokenizerDirectory: TinyLanguageModel.tokenizerDirectory, seed: 1,
            in: work.url)
        let ids = try encoder.tokenize(TinyLanguageModel.texts[0])
        let examples = try LanguageModelCorpus.examples(
            texts: [TinyLanguageModel.texts[0]], tokenizer: encoder, eosID: 770, maxLength: 4)
        #expect(examples.allSatisfy { $0.count <= 4 })
        #expect(examples.last!.last == 770)
        let rejoined = examples.enumerated().flatMap { $0.offset == 0 ? $0.element : Array($0.element.dropFirst()) }
        #expect(rejoined == ids + [770])
    }

    @Test("packing keeps every text whole and in order, each example starting at a text, none over the limit")
    func packing() throws {
        let work = try TemporaryDirectory(label: "mokus-training-lm-packing")
        let encoder = try LanguageModelPretraining.initialModel(
            config: TinyLanguageModel.config, tokenizerDirectory: TinyLanguageModel.tokenizerDirectory, seed: 1,
            in: work.url)
        let texts = TinyLanguageModel.texts + TinyLanguageModel.texts
        let pieces = try LanguageModelCorpus.examples(texts: texts, tokenizer: encoder, eosID: 770, maxLength: 24)
        let packed = try LanguageModelCorpus.packedExamples(texts: texts, tokenizer: encoder, eosID: 770, maxLength: 24)
        #expect(packed.allSatisfy { $0.count <= 24 })
        #expect(packed.count < pieces.count)
        #expect(Array(packed.joined()) == Array(pieces.joined()))
        // Each example is a run of whole pieces: splitting it after each eos gives pieces in order.
        var next = 0
        for example in packed {
            var start = 0
            while start < example.count {
                let end = example[start...].firstIndex(of: 770)! + 1
                #expect(Array(example[start..<end]) == pieces[next])
                next += 1
                start = end
            }
        }
        #expect(next == pieces.count)
    }
}
