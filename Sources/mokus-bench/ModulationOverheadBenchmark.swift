import Foundation
import Generators
import ModelInterfaces
import Tensors

/// What per-token text modulation (TokenVerse's and Mod-Adapter's Δ on concept words) adds to
/// sampling: the same batch-1 sampling call with and without a ``TextModulation`` on two prompt
/// tokens (Δ ~ N(0, 0.1²) per channel), the two interleaved call by call so a changing machine load
/// falls on both; medians of wall and CPU time (getrusage, all threads) over the pairs.
/// Issue 15's bar: ≤ 10 % added.
extension WorldGeneratorBenchmark {
    static let modulationPairs = 7

    static func modulationOverhead(
        _ generator: QwenImageGenerator, prompt: PromptEmbeddings, negative: PromptEmbeddings, settings: GenerationSettings
    ) throws -> [String] {
        let (length, width) = (prompt.embeddings.shape[1], generator.transformer.configuration.innerDim)
        var random = RandomGenerator(seed: 15)
        let tokens = [max(0, length - 3), max(0, length - 2)]
        let delta = Tensor(shape: [1, length, width]) { values in
            for i in values.indices { values[i] = 0 }
            for token in tokens { for c in 0..<width { values[token * width + c] = Float(random.nextNormal()) * 0.1 } }
        }
        let mask = Tensor(shape: [1, length]) { values in
            for i in values.indices { values[i] = tokens.contains(i) ? 1 : 0 }
        }
        func sample(_ modulation: TextModulation?) throws -> (wall: Double, cpu: Double) {
            generator.modulation = modulation
            defer { generator.modulation = nil }
            let cpu = Measure.cpuSeconds()
            let wall = try Measure.seconds {
                let sampling = try generator.startSampling(prompt: prompt, negativePrompt: negative, settings: settings)
                while try sampling.next() != nil {}
            }
            return (wall, Measure.cpuSeconds() - cpu)
        }
        _ = try sample(nil)
        _ = try sample(TextModulation(delta: delta, mask: mask))
        var plain: [(wall: Double, cpu: Double)] = [], modulated: [(wall: Double, cpu: Double)] = []
        for _ in 0..<modulationPairs {
            plain.append(try sample(nil))
            modulated.append(try sample(TextModulation(delta: delta, mask: mask)))
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let (wall, wallΔ) = (median(plain.map(\.wall)), median(modulated.map(\.wall)))
        let (cpu, cpuΔ) = (median(plain.map(\.cpu)), median(modulated.map(\.cpu)))
        return [String(format: "  per-token Δ on 2 of %d prompt tokens, batch 1 (median of %d interleaved pairs): "
                       + "%.1f → %.1f ms wall (%+.1f %%), %.1f → %.1f ms CPU (%+.1f %%); bar ≤ +10 %%",
                       length, modulationPairs, wall * 1000, wallΔ * 1000, (wallΔ / wall - 1) * 100,
                       cpu * 1000, cpuΔ * 1000, (cpuΔ / cpu - 1) * 100)]
    }
}
