import Foundation

/// What `metrics.json` of a `create-concept`, `erase` or `repair` report holds (snake_case keys).
public struct ApplicationMetrics: Sendable, Codable {
    /// The report folder's edits file, which `mokus apply --edits` replays on the unedited encoder.
    public static let editsFile = "edits.safetensors"

    /// One prompt, drawn once per seed in every state.
    public struct Cell: Sendable, Codable {
        /// Its role: "name", "description", "unrelated" (create-concept); "concept", "paraphrase",
        /// "other" (erase); "corrected", "untouched" (repair).
        public var group: String
        /// The concept it is about ("zorblax", "star"; another concept's word for "other"; empty for
        /// "unrelated").
        public var concept: String
        public var text: String
        /// The attribute → class pairs an image of it should show (the reader's reading of the
        /// description and the prompt's context; empty without a reader).
        public var expected: [String: String]
        /// Keyed by state name.
        public var scores: [String: Scores]
    }

    /// The evaluator's reading of one cell's images in one state (fractions of its images).
    public struct Scores: Sendable, Codable, Equatable {
        /// Per expected attribute: the fraction showing its expected class.
        public var attributes: [String: Double]
        /// The fraction showing every expected attribute; nil when none is expected.
        public var everyAttribute: Double?
        /// The fraction whose predicted classes (all attributes) equal those of the same seed's
        /// image in the first state (the unedited pipeline).
        public var sameAsBase: Double
    }

    /// One headline figure: a mean over cells, per state.
    public struct Figure: Sendable, Codable {
        public var name: String
        /// Keyed by state name; a state where the figure is undefined is absent.
        public var values: [String: Double]
        /// The acceptance bar, in words ("≥ 0.7 edited"), or empty.
        public var bar: String
    }

    /// "create-concept", "erase" or "repair".
    public var command: String
    public var editor: String
    /// The states every cell is drawn in, in order; the first is the unedited pipeline.
    public var states: [String]
    /// What each state is.
    public var stateDescriptions: [String]
    public var seeds: [UInt64]
    public var guidance: Double
    public var samplingSteps: Int
    /// The edits: every query form of every statement, before → after.
    public var update: KnowledgeUpdateReport
    /// Questions not edited, before → after (`repair`: the corrected facts' paraphrases and the
    /// untouched facts); nil when the command has none.
    public var probes: KnowledgeUpdateReport?
    public var cells: [Cell]
    public var figures: [Figure]
    /// Wall seconds: "edit", "images", "total".
    public var seconds: [String: Double]

    /// `metrics.json`'s bytes: pretty-printed, sorted, snake_case keys.
    public func json() throws -> Data { try ReportImages.json(self) }

    /// The mean of `value` over the cells `include` selects, per state (states where no cell has a
    /// value are left out).
    static func figure(
        _ name: String, bar: String = "", cells: [Cell], states: [String], include: (Cell) -> Bool,
        _ value: (Cell, Scores) -> Double?
    ) -> Figure {
        var values: [String: Double] = [:]
        for state in states {
            values[state] = cells.filter(include).compactMap { cell in cell.scores[state].flatMap { value(cell, $0) } }.mean
        }
        return Figure(name: name, values: values, bar: bar)
    }
}
