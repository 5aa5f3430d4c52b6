import ArgumentParser
import MoKus

/// `erase`'s Enc-FT baseline (``MoKus/EncoderFineTuning``): `--enc-ft` and its parameters.
struct EncoderFineTuningOptions: ParsableArguments {
    @Flag(help: "Add the Enc-FT baseline: the unedited encoder fine-tuned so the concept's forms encode as the replacement's.")
    var encFt = false
    @Option(name: .customLong("enc-ft-layer"), help: ArgumentHelp(
        "A layer whose parameters Enc-FT tunes; repeatable (default: 0 and 1).", valueName: "index"))
    var layers: [Int] = []
    @Option(help: "Enc-FT's optimisation steps.") var encFtSteps = 60
    @Option(help: "Enc-FT's AdamW learning rate.") var encFtLearningRate: Float = 1e-4
    @Option(help: "Enc-FT's preservation weight λ (the other concepts' forms keep their encodings).")
    var encFtPreservation: Float = 1

    func validate() throws {
        try ArgumentChecks.check("--enc-ft-steps", encFtSteps, in: 1...100_000)
        try ArgumentChecks.check("--enc-ft-learning-rate", encFtLearningRate, in: 1e-8...1)
        try ArgumentChecks.check("--enc-ft-preservation", encFtPreservation, in: 0...1e6)
        if let layer = layers.first(where: { $0 < 0 }) { throw ValidationError("--enc-ft-layer must be ≥ 0, found \(layer).") }
    }

    /// The settings, or nil without `--enc-ft`.
    var settings: EncoderFineTuning? {
        guard encFt else { return nil }
        return EncoderFineTuning(layers: layers.isEmpty ? [0, 1] : layers, steps: encFtSteps, learningRate: encFtLearningRate,
                                 preservation: encFtPreservation)
    }
}
