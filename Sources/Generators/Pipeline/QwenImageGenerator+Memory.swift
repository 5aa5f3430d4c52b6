import ModelInterfaces

extension QwenImageGenerator {
    /// Peak bytes of sampling and decoding one request, estimated from its sizes before anything
    /// is allocated: one transformer call's attention scores (3 × batch × heads × tokens² floats,
    /// tokens = image tokens + prompt length) and activations (about 16 × inner width floats per
    /// token), the schedule's tables (a few values per step), and the latents and the decoded
    /// image (16 floats per pixel: the codec's working buffers). Every product saturates, so an
    /// overflowing size (`--size 9223372036854775807x2`) is simply over any budget.
    func samplingBytes(width: Int, height: Int, steps: Int, batch: Int, promptLength: Int) -> Int {
        let c = transformer.configuration
        let factor = 2 * codec.spatialFactor
        let imageTokens = MemoryBudget.bytes(max(0, width / factor), max(0, height / factor))
        let tokens = MemoryBudget.sum(imageTokens, promptLength)
        let scores = MemoryBudget.bytes(3, batch, c.headCount, tokens, tokens, 4)
        let activations = MemoryBudget.bytes(16, batch, tokens, c.innerDim, 4)
        let schedule = MemoryBudget.bytes(steps, 64)
        let pixels = MemoryBudget.bytes(16, batch, max(0, width), max(0, height), 4)
        return MemoryBudget.sum(scores, activations, schedule, pixels)
    }

    /// Throws ``MemoryBudgetError`` when ``samplingBytes(width:height:steps:batch:promptLength:)``
    /// is over the budget.
    func checkMemory(_ settings: GenerationSettings, batch: Int, promptLength: Int) throws {
        let estimate = samplingBytes(width: settings.width, height: settings.height, steps: settings.steps, batch: batch,
                                     promptLength: promptLength)
        try MemoryBudget.check(estimate, for: "sampling \(batch) image(s) of \(settings.width)×\(settings.height) in \(settings.steps) steps")
    }
}
