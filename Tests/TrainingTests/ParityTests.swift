import Foundation
import ModelInterfaces
import ModelIO
import Tensors
import Testing
import TextEncoders

/// The Swift-trained checkpoint in `Fixtures/qwen2-swift-trained` against transformers' logits and
/// greedy continuations (written by `Fixtures/make_parity_fixture.py`): what `mokus pretrain` saves
/// is a transformers checkpoint that both sides run identically.
@Suite("Swift-trained checkpoint vs transformers")
struct ParityTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appending(path: "Fixtures/qwen2-swift-trained")

    struct Reference: Decodable {
        var texts: [String]
        var ids: [[Int]]
        var greedy: [[Int]]
    }

    @Test("same ids, logits within 1e-5 of the largest magnitude, same greedy continuations")
    func logitsMatch() throws {
        let reference = try JSONDecoder().decode(
            Reference.self, from: Data(contentsOf: Self.directory.appending(path: "reference.json")))
        let expected = try SafetensorsFile(url: Self.directory.appending(path: "reference.safetensors"))
        let encoder = try TextEncoderLoader.load(directory: Self.directory)
        for (index, text) in reference.texts.enumerated() {
            let ids = try encoder.tokenize(text)
            #expect(ids == reference.ids[index])
            let logits = try encoder.forward(TokenBatch([ids])).logits.scalars
            let target = try expected.tensor(named: "logits_\(index)").scalars
            #expect(logits.count == target.count)
            let scale = target.map(\.magnitude).max()!
            let worst = zip(logits, target).map { ($0 - $1).magnitude }.max()!
            #expect(worst <= 1e-5 * scale, "text \(index): max |Δ| \(worst), scale \(scale)")

            var prompt = try encoder.tokenize(text.split(separator: " ").prefix(3).joined(separator: " "))
            var continuation: [Int] = []
            for _ in 0..<6 {
                let next = try encoder.forward(TokenBatch([prompt])).logits.reshaped([prompt.count, -1]).argmax(
                    axis: 1
                ).last!
                continuation.append(next)
                prompt.append(next)
            }
            #expect(continuation == reference.greedy[index])
        }
    }
}
