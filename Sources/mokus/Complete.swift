import ArgumentParser
import Foundation
import ModelInterfaces
import TextEncoders

extension Mokus {
    /// `mokus complete`: greedy continuation of a prompt.
    struct Complete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Continue a prompt greedily (most likely token each step) until eos, <|im_end|> or --max-tokens.",
            discussion: "--json prints {\"prompt\", \"completion\", \"tokens\"} on stdout.")

        @OptionGroup var model: ModelOptions
        @Option(help: "The text to continue.") var prompt: String
        @Option(help: "Most tokens to generate.") var maxTokens = 16
        @OptionGroup var device: DeviceOptions
        @OptionGroup var output: JSONOutputOption

        func validate() throws {
            guard maxTokens > 0 else { throw ValidationError("--max-tokens must be positive.") }
        }

        func run() throws {
            try device.apply()
            let completion = try GreedyCompletion.run(try loadEncoder(model), prompt: prompt, maxTokens: maxTokens)
            if output.json {
                try printJSON(["prompt": prompt, "completion": completion.text, "tokens": completion.tokens])
            } else {
                print(prompt + completion.text)
            }
        }
    }
}

/// Greedy decoding: append the argmax of the last position's logits until a stop token or the
/// token budget. Each step re-runs the full forward pass over prompt + generated tokens (no key/value
/// cache): O(n²) in the output length, fine for the short completions of small models.
struct GreedyCompletion {
    /// The generated ids, without the stop token.
    var tokens: [Int]
    /// Their decoded text.
    var text: String
    /// Whether generation ended at a stop token (rather than at the budget).
    var stopped: Bool

    static func run(_ encoder: TransformerTextEncoder, prompt: String, maxTokens: Int) throws -> GreedyCompletion {
        var ids = try encoder.tokenize(prompt)
        guard !ids.isEmpty else { throw ValidationError("The prompt encodes to no tokens.") }
        let stops = try stopIDs(encoder)
        var generated: [Int] = []
        var hooks = ForwardHooks()
        while generated.count < maxTokens {
            hooks.logitRows = [ids.count - 1]
            let next = try encoder.forward(TokenBatch([ids]), hooks: hooks).logits.reshaped([1, -1]).argmax(axis: 1)[0]
            if stops.contains(next) {
                return GreedyCompletion(tokens: generated, text: try encoder.detokenize(generated), stopped: true)
            }
            generated.append(next)
            ids.append(next)
        }
        return GreedyCompletion(tokens: generated, text: try encoder.detokenize(generated), stopped: false)
    }

    /// `config.json`'s `eos_token_id` (one id or a list), `tokenizer_config.json`'s `eos_token`,
    /// and `<|im_end|>` and `<|endoftext|>` when the tokenizer has them as single tokens.
    static func stopIDs(_ encoder: TransformerTextEncoder) throws -> Set<Int> {
        var stops = Set<Int>()
        func json(_ name: String) -> [String: Any]? {
            FileManager.default.contents(atPath: encoder.directory.appending(path: name).path(percentEncoded: false))
                .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        }
        let config = json("config.json")
        if let id = config?["eos_token_id"] as? Int { stops.insert(id) }
        if let ids = config?["eos_token_id"] as? [Int] { stops.formUnion(ids) }
        let eosToken = json("tokenizer_config.json")?["eos_token"]
        let eosText = eosToken as? String ?? (eosToken as? [String: Any])?["content"] as? String
        for token in [eosText, "<|im_end|>", "<|endoftext|>"].compactMap({ $0 }) {
            let ids = try encoder.tokenize(token)
            if ids.count == 1, try encoder.detokenize(ids) == token { stops.insert(ids[0]) }
        }
        return stops
    }
}
