import ArgumentParser

/// What `tokenverse generate` and `modadapter generate` draw: one prompt, one seed, to one PNG.
struct ModulatedDrawingOptions: ParsableArguments {
    @Option(help: "The prompt.") var prompt: String
    @Option(help: "Seed of the initial noise.") var seed: UInt64 = 0
    @Option(help: "Denoising steps (default: the pipeline's).") var steps: Int?
    @Option(help: "True classifier-free guidance scale.") var guidance: Float = 4
    @Option(help: ArgumentHelp("Output PNG.", valueName: "file")) var out = "image.png"

    func validate() throws {
        try ArgumentChecks.check("--steps", steps, in: 1...10_000)
        try ArgumentChecks.check("--guidance", guidance, in: 0...100)
        _ = try outputs()
    }

    /// --out, checked before drawing and removed when the run fails.
    func outputs() throws -> OutputPlan { try OutputPlan([.init(option: "--out", path: out)]) }
}
