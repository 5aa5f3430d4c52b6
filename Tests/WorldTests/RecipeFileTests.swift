import Foundation
import Testing
import TestSupport
@testable import World

@Suite struct RecipeFileTests {
    @Test func replacesOnlyTheFieldsTheFileNames() throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write(#"{"headDimension": 64, "batchSize": 128, "learningRate": 5e-4}"#, to: "r.json")
        let recipe = try RecipeFile.apply(file, to: GeneratorRecipe.standard)
        var expected = GeneratorRecipe.standard
        (expected.headDimension, expected.batchSize, expected.learningRate) = (64, 128, 5e-4)
        #expect(recipe == expected)
        #expect(try RecipeFile.apply(try folder.write("{}", to: "empty.json"), to: EncoderRecipe.test) == .test)
    }

    @Test func refusesUnknownKeysWrongTypesAndOtherRoots() throws {
        let folder = try TemporaryDirectory()
        func failure(_ text: String) throws -> WorldError? {
            let file = try folder.write(text, to: "r.json")
            do { _ = try RecipeFile.apply(file, to: GeneratorRecipe.standard) } catch let error as WorldError { return error }
            return nil
        }
        guard case .corruptFile(_, let key, let expected, _) = try failure(#"{"widht": 3}"#) else {
            Issue.record("an unknown key was accepted"); return
        }
        #expect(key == "widht" && expected.contains("headDimension"))
        guard case .corruptFile(_, let typeKey, _, _) = try failure(#"{"batchSize": "many"}"#) else {
            Issue.record("a string batch size was accepted"); return
        }
        #expect(typeKey == "batchSize")
        for text in ["[1, 2]", "not json", "3"] {
            guard case .corruptFile(_, "", _, _) = try failure(text) else { Issue.record("\(text) was accepted"); continue }
        }
        let missing = folder.file("absent.json")
        #expect(throws: WorldError.unreadableFile(path: missing.path(percentEncoded: false), reason: "no such file")) {
            try RecipeFile.apply(missing, to: EvaluatorRecipe.standard)
        }
    }
}
