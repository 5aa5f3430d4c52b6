import Foundation
import Generators
import ModelInterfaces
import Tensors

extension TokenVerseEvaluation {
    /// Draws each case plainly and with its concepts' Δ, from the same seeds, and times both
    /// (sampling and decoding only; building the modulation is timed apart).
    final class Drawing {
        let generator: QwenImageGenerator
        let prompts: PromptEncoder
        let settings: GenerationSettings
        let negative: PromptEmbeddings?
        let learned: [ConceptModulationSet]
        let seeds: [UInt64]
        /// The modulated state's name (the method).
        let method: String
        private(set) var seconds: [String: Double] = [:]
        /// The process's CPU time per state (all threads; steadier than wall time on shared cores).
        private(set) var cpuSeconds: [String: Double] = [:]
        private(set) var setupSeconds = 0.0

        init(
            generator: QwenImageGenerator, prompts: PromptEncoder, settings: TokenVerseEvaluationSettings,
            learned: [ConceptModulationSet], method: String
        ) throws {
            self.method = method
            self.generator = generator
            self.prompts = prompts
            self.settings = settings.generation
            negative = try settings.negativePrompt.map { try prompts.encode([$0]) }
            self.learned = learned
            seeds = (0..<settings.seeds).map(UInt64.init)
        }

        /// `[seeds, 3, H, W]` in [0, 1] without and with the case's Δ.
        func draw(_ testCase: TokenVerseCase) throws -> (base: Tensor, modulated: Tensor) {
            let prompt = try prompts.encode([testCase.prompt])
            generator.modulation = nil
            defer { generator.modulation = nil }
            let base = try timed("base") {
                try generator.images(prompt: prompt, negativePrompt: negative, noiseSeeds: seeds, settings: settings)
            }
            let setup = Date()
            let concepts = testCase.sources.flatMap { source in
                learned[source.image].selecting(Set(source.words)).concepts.map { ("concept \(source.image)", $0) }
            }
            generator.modulation = try TokenVerse.modulation(
                prompt: testCase.prompt, concepts: concepts, prompts: prompts, textLength: prompt.embeddings.shape[1],
                batch: seeds.count, layers: generator.transformer.configuration.layerCount)
            setupSeconds += Date().timeIntervalSince(setup)
            let modulated = try timed(method) {
                try generator.images(prompt: prompt, negativePrompt: negative, noiseSeeds: seeds, settings: settings)
            }
            return (base, modulated)
        }

        private func timed(_ state: String, _ body: () throws -> Tensor) rethrows -> Tensor {
            let (start, cpuStart) = (Date(), Self.processCPUTime())
            defer {
                seconds[state, default: 0] += Date().timeIntervalSince(start)
                cpuSeconds[state, default: 0] += Self.processCPUTime() - cpuStart
            }
            return try body()
        }

        /// CLOCK_PROCESS_CPUTIME_ID in seconds.
        static func processCPUTime() -> Double {
            var time = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
        }
    }
}
