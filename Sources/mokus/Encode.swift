import ArgumentParser
import Foundation
import ModelInterfaces
import Tensors
import TextEncoders
import Tokenizers

extension Mokus {
    /// `mokus encode`: token ids and the most likely next tokens.
    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the token ids of a text and its most likely next tokens.")

        @OptionGroup var model: ModelOptions
        @Option(help: "The text to encode.") var text: String?
        @Option(help: ArgumentHelp("Encode each line of a UTF-8 file (one JSON object per line with --json).", valueName: "file"),
                completion: .file())
        var textFile: String?
        @Option(parsing: .unconditional, help: "How many next-token candidates to print.") var top = 5
        @OptionGroup var memory: MemoryOptions
        @OptionGroup var device: DeviceOptions
        @OptionGroup var output: JSONOutputOption

        func validate() throws {
            guard (text == nil) != (textFile == nil) else { throw ValidationError("Give exactly one of --text or --text-file.") }
            try ArgumentChecks.check("--top", top, in: 1...1_000_000)
        }

        func run() throws {
            memory.apply()
            try device.apply()
            let encoder = try loadEncoder(model)
            let texts = try text.map { [$0] } ?? textFile.map { try TextLines.read(contentsOf: URL(fileURLWithPath: $0)) } ?? []
            for line in texts {
                let result = try NextTokens.compute(encoder, text: line, count: top)
                if output.json {
                    try printJSON(result.json)
                } else {
                    print("text: \(line.debugDescription)")
                    print("ids (\(result.ids.count)): \(result.ids)")
                    print("tokens: \(result.tokens.map(\.debugDescription).joined(separator: " "))")
                    print("next tokens:")
                    for (id, logProbability) in result.top {
                        print("  \(id)\t\(try encoder.detokenize([id]).debugDescription)\tlog p = \(String(format: "%.4f", logProbability))")
                    }
                }
            }
        }
    }
}

/// Ids, per-token text and the top next tokens of one text.
struct NextTokens {
    var ids: [Int]
    var tokens: [String]
    var top: [(Int, Double)]

    static func compute(_ encoder: any TextEncoder, text: String, count: Int) throws -> NextTokens {
        let ids = try encoder.tokenize(text)
        guard !ids.isEmpty else { throw ValidationError("The text encodes to no tokens.") }
        let logits = try encoder.forward(TokenBatch([ids])).logits
        let vocabulary = logits.shape[2]
        let last = logits.slice(axis: 1, (ids.count - 1)..<ids.count).reshaped([vocabulary]).logSoftmax().scalars
        let best = last.indices.sorted { last[$0] > last[$1] }.prefix(count)
        return NextTokens(ids: ids, tokens: try ids.map { try encoder.detokenize([$0]) },
                          top: best.map { ($0, Double(last[$0])) })
    }

    var json: [String: Any] {
        ["ids": ids, "tokens": tokens, "top": top.map { ["id": $0.0, "logprob": $0.1] as [String: Any] }]
    }
}
