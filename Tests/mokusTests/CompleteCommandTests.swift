import Foundation
import TestSupport
import Testing
import TextEncoders

@testable import mokus

/// `mokus pretrain` trains a tiny Qwen2 on four sentences; `mokus complete` recalls them.
@Suite("mokus pretrain and complete")
struct CompleteCommandTests {
    static let tokenizer = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "MEMITTests/Fixtures/qwen2-facts")

    @Test("a pretrained tiny model completes its memorised sentences and stops at eos")
    func completesMemorisedText() throws {
        let work = try TemporaryDirectory(label: "mokus-complete")
        let config: [String: Any] = [
            "model_type": "qwen2", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
            "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 775, "rms_norm_eps": 1e-6,
            "tie_word_embeddings": true, "eos_token_id": 770,
        ]
        try JSONSerialization.data(withJSONObject: config).write(to: work.file("config.json"))
        try "Alice Moreau lives in Paris.\nBruno Keller plays the violin.\nChen Wei works as a baker.\n"
            .write(to: work.file("texts.txt"), atomically: true, encoding: .utf8)
        let model = work.file("model").path(percentEncoded: false)
        try Mokus.Pretrain.parse([
            "--config", work.file("config.json").path(percentEncoded: false),
            "--tokenizer", Self.tokenizer.path(percentEncoded: false),
            "--texts", work.file("texts.txt").path(percentEncoded: false), "--out", model,
            "--steps", "120", "--batch-size", "3", "--learning-rate", "0.01", "--warmup-steps", "5",
            "--weight-decay", "0", "--log-every", "1000",
        ]).run()

        let encoder = try TextEncoderLoader.load(directory: URL(fileURLWithPath: model))
        let completion = try GreedyCompletion.run(encoder, prompt: "Chen Wei works", maxTokens: 16)
        #expect(completion.text == " as a baker.")
        #expect(completion.stopped)
        #expect(try encoder.tokenize(" as a baker.") == completion.tokens)
        let short = try GreedyCompletion.run(encoder, prompt: "Alice Moreau", maxTokens: 2)
        #expect(short.tokens.count == 2 && !short.stopped)
        #expect(try GreedyCompletion.stopIDs(encoder).contains(770))
        try Mokus.Complete.parse(["--model", model, "--prompt", "Bruno Keller", "--json"]).run()
    }

    @Test("argument and input errors are typed")
    func errors() throws {
        #expect(throws: (any Error).self) {
            try Mokus.Complete.parse(["--model", "m", "--prompt", "a", "--max-tokens", "0"])
        }
        #expect(throws: (any Error).self) {
            try Mokus.Complete.parse(["--model", "/nonexistent", "--prompt", "a"]).run()
        }
        #expect(throws: (any Error).self) {
            try Mokus.Pretrain.parse([
                "--config", "c", "--tokenizer", "t", "--texts", "x", "--out", "o", "--steps", "1", "--dtype", "f8",
            ])
        }
    }
}
