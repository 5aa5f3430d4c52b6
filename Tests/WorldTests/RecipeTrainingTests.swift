import Testing
@testable import World

@Suite struct RecipeTrainingTests {
    @Test("a run shorter than the warm-up is valid: the warm-up is capped at the run's length")
    func shortRuns() throws {
        var encoder = EncoderRecipe.test
        var generator = GeneratorRecipe.standard
        (encoder.steps, generator.steps) = (1, 50)
        #expect(encoder.training.warmupSteps == 1 && generator.training.warmupSteps == 50)
        try encoder.training.validate()
        try generator.training.validate()
        #expect(EncoderRecipe.standard.training.warmupSteps == EncoderRecipe.standard.warmupSteps)
    }
}
