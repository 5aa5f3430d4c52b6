import Evaluator

/// The evaluator's reading of generated images against a case (DreamBench-Abs's two numbers, with
/// the world's evaluator in the roles of DINO/CLIP-I and CLIP-T):
///
///     CP(x) = (1/|C|) Σ_{(a,c)∈C} p_a(c | x)        C = the concept attributes (from the concept image)
///     PF(x) = (1/|P|) Σ_{(a,c)∈P} p_a(c | x)        P = the prompt's other attributes
///
/// (the evaluator's alignment restricted to each set), averaged over images; `cpTimesPF` is the
/// product of the two means (Mod-Adapter's CP·PF). `conceptCorrect`, `promptCorrect` and
/// `allCorrect` are the fractions of images whose argmax class is right for every attribute of C,
/// of P, and of both (for composed cases, "correct"); `similarity` is the mean cosine of the image
/// embedding with the concept image's (the mean over a composed case's concept images).
public struct TokenVerseScores: Codable, Sendable, Equatable {
    public var images: Int
    public var cp: Double
    public var pf: Double
    public var cpTimesPF: Double
    public var conceptCorrect: Double
    public var promptCorrect: Double
    public var allCorrect: Double
    public var similarity: Double

    /// One image's numbers.
    struct Image {
        var cp, pf, similarity: Double
        var conceptCorrect, promptCorrect: Bool
    }

    /// Scores one image of `testCase` from its prediction and the concept images' embeddings.
    static func image(_ prediction: ImagePrediction, testCase: TokenVerseCase, conceptEmbeddings: [[Float]]) -> Image {
        func read(_ expected: [String: String]) -> (mean: Double, correct: Bool) {
            var total = 0.0
            var correct = true
            for (attribute, value) in expected {
                guard let predicted = prediction[attribute: attribute],
                      let index = TokenVerseCase.values(of: attribute).firstIndex(of: value) else { return (0, false) }
                total += Double(predicted.probabilities[index])
                correct = correct && predicted.classIndex == index
            }
            return (expected.isEmpty ? 1 : total / Double(expected.count), correct)
        }
        let (concept, other) = (read(testCase.concept), read(testCase.other))
        let cosines = conceptEmbeddings.map { embedding in
            Double(zip(embedding, prediction.embedding).reduce(0) { $0 + $1.0 * $1.1 })
        }
        return Image(
            cp: concept.mean, pf: other.mean, similarity: cosines.reduce(0, +) / Double(max(cosines.count, 1)),
            conceptCorrect: concept.correct, promptCorrect: other.correct)
    }

    /// The means over `images` (all zero for none).
    init(_ images: [Image]) {
        let n = Double(max(images.count, 1))
        func mean(_ value: (Image) -> Double) -> Double { images.reduce(0) { $0 + value($1) } / n }
        self.images = images.count
        cp = mean(\.cp)
        pf = mean(\.pf)
        cpTimesPF = cp * pf
        conceptCorrect = mean { $0.conceptCorrect ? 1 : 0 }
        promptCorrect = mean { $0.promptCorrect ? 1 : 0 }
        allCorrect = mean { $0.conceptCorrect && $0.promptCorrect ? 1 : 0 }
        similarity = mean(\.similarity)
    }
}
