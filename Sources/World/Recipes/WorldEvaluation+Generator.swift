import Foundation
import ModelInterfaces

/// The generator part of `mokus world eval` (docs/world.md, "Generator"): images generated from
/// prompts the generator never saw, read by the world's evaluator.
extension WorldEvaluation {
    /// The `generator` object of the report.
    public struct GeneratorScores: Codable, Sendable, Equatable {
        /// Held-out direct prompts: shape and colour right.
        public var directShapeColour: Double
        /// Held-out direct prompts: every attribute right (object and background).
        public var directAll: Double
        /// Captioned entities' knowledge prompts (held-out backgrounds): the fact's object shown.
        public var knownEntity: Double
        /// Held-out entities' knowledge prompts (never captioned): the fact's object shown.
        public var heldoutEntity: Double
        /// Per editor: held-out entities' prompts after their fact was edited, showing the new
        /// object (`new_object`) or still the old one (`old_object`).
        public var heldoutControl: [String: [String: Double]]
        /// Per editor: fraction of the edited prompts' images showing the edit's target.
        public var editTransfer: [String: Double]
        /// Per editor: fraction of unrelated prompts' images whose attributes the edit left as they were.
        public var editPreservation: [String: Double]
        /// Every measured set in full.
        public var sets: [String: ProbeScores]
        public var edits: [String: GeneratorEditScores]
        /// Images per prompt (noise seeds).
        public var seeds: Int
        public var guidance: Float

        enum CodingKeys: String, CodingKey {
            case directShapeColour = "direct_shape_colour", directAll = "direct_all", knownEntity = "known_entity"
            case heldoutEntity = "heldout_entity", heldoutControl = "heldout_control", editTransfer = "edit_transfer"
            case editPreservation = "edit_preservation", sets, edits, seeds, guidance
        }

        /// The scores of the three prompt sets, with no edits measured yet.
        public init(direct: ProbeScores, captioned: ProbeScores, heldOut: ProbeScores, seeds: Int, guidance: Float) {
            directShapeColour = direct.shapeColour
            directAll = direct.all
            knownEntity = captioned.object
            heldoutEntity = heldOut.object
            (heldoutControl, editTransfer, editPreservation, edits) = ([:], [:], [:], [:])
            sets = [CaptionSet.heldOutDirect.rawValue: direct, CaptionSet.captionedEntities.rawValue: captioned,
                    CaptionSet.heldOutEntities.rawValue: heldOut]
            self.seeds = seeds
            self.guidance = guidance
        }

        /// Records `scores` of the edits made by `editor`.
        public mutating func record(_ scores: GeneratorEditScores, editor: String) {
            edits[editor] = scores
            editTransfer[editor] = scores.transfer
            editPreservation[editor] = scores.preservation
            heldoutControl[editor] = ["new_object": scores.transfer, "old_object": scores.original]
        }
    }

    /// Scores held-out direct prompts, captioned entities' prompts and held-out entities' prompts
    /// (at most `limit` of each, drawn with `seed`).
    public static func generatorScores(
        world: World, probing: GeneratorProbing, encoder: any TextEncoder, limit: Int? = nil, seed: UInt64 = 0,
        progress: (String, Int) -> Void = { _, _ in }
    ) throws -> GeneratorScores {
        func score(_ set: CaptionSet) throws -> ProbeScores {
            let captions = world.captions(set, count: limit ?? .max, seed: seed)
            return try probing.scores(captions.map(GeneratorProbe.init), encoder: encoder) { progress(set.rawValue, $0) }
        }
        return GeneratorScores(
            direct: try score(.heldOutDirect), captioned: try score(.captionedEntities), heldOut: try score(.heldOutEntities),
            seeds: probing.repetitions, guidance: probing.guidance)
    }
}
