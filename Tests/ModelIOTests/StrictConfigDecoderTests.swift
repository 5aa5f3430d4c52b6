import Foundation
import ModelIO
import Testing
import TestSupport

@Suite("strict config decoding (JSON and YAML)")
struct StrictConfigDecoderTests {
    struct Layer: Decodable, Equatable {
        let name: String
        let width: Int
    }

    /// A small hparams-like type with snake_case keys.
    struct Hparams: Decodable, Equatable {
        let algName: String
        let layers: [Int]
        let learningRate: Double
        let clampNormFactor: Double?
        let blocks: [Layer]?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case algName = "alg_name"
            case layers
            case learningRate = "learning_rate"
            case clampNormFactor = "clamp_norm_factor"
            case blocks
        }
    }

    static let allowed = Hparams.CodingKeys.allCases.map(\.rawValue).sorted()

    static func decode(_ text: String, _ format: StrictConfigDecoder.Format) throws -> Hparams {
        try StrictConfigDecoder.decode(
            Hparams.self, from: Data(text.utf8), format: format, file: "hparams", allowedKeys: allowed)
    }

    @Test("valid documents decode the same from JSON and YAML")
    func decodesValid() throws {
        let expected = Hparams(
            algName: "ROME", layers: [5], learningRate: 0.5, clampNormFactor: nil,
            blocks: [Layer(name: "mlp", width: 8)])
        let json = """
            {"alg_name": "ROME", "layers": [5], "learning_rate": 5e-1,
            "blocks": [{"name": "mlp", "width": 8}]}
            """
        let yaml = "alg_name: ROME\nlayers: [5]\nlearning_rate: 5e-1\nblocks:\n  - name: mlp\n    width: 8\n"
        #expect(try Self.decode(json, .json) == expected)
        #expect(try Self.decode(yaml, .yaml) == expected)
    }

    @Test("a misspelt key is rejected, naming it, its line, the nearest valid key and all valid keys")
    func misspeltKey() throws {
        let yaml = "alg_name: ROME\nlayers: [5]\nlerning_rate: 0.5\n"
        let error = try #require(throws: ModelIOError.self) { try Self.decode(yaml, .yaml) }
        #expect(error == .unknownConfigKey(
            file: "hparams", key: "lerning_rate", line: 3, validKeys: Self.allowed, suggestion: "learning_rate"))
        #expect(error.description.contains("hparams:3: unknown key 'lerning_rate'; did you mean 'learning_rate'?"))
        #expect(error.description.contains("alg_name, blocks, clamp_norm_factor, layers, learning_rate"))

        let json = #"{"alg_name": "ROME", "layers": [5], "learning_rate": 0.5, "clamp_norm": 4}"#
        #expect(throws: ModelIOError.unknownConfigKey(
            file: "hparams", key: "clamp_norm", line: nil, validKeys: Self.allowed, suggestion: "clamp_norm_factor")
        ) { try Self.decode(json, .json) }
    }

    @Test("an unknown key far from every valid key gets no suggestion")
    func unrelatedKey() throws {
        let json = #"{"alg_name": "ROME", "layers": [5], "learning_rate": 0.5, "zzzzzzzz": 1}"#
        #expect(throws: ModelIOError.unknownConfigKey(
            file: "hparams", key: "zzzzzzzz", line: nil, validKeys: Self.allowed, suggestion: nil)
        ) { try Self.decode(json, .json) }
    }

    @Test("a missing key is named", arguments: [StrictConfigDecoder.Format.json, .yaml])
    func missingKey(format: StrictConfigDecoder.Format) throws {
        let text = format == .json ? #"{"alg_name": "ROME", "layers": [5]}"# : "alg_name: ROME\nlayers: [5]\n"
        let error = try #require(throws: ModelIOError.self) { try Self.decode(text, format) }
        #expect(error == .missingConfigKey(file: "hparams", keyPath: "learning_rate"))
        #expect(error.description == "hparams: missing required key 'learning_rate'")
    }

    @Test("a wrong type names the key path and the expected type", arguments: [StrictConfigDecoder.Format.json, .yaml])
    func wrongType(format: StrictConfigDecoder.Format) throws {
        let text = format == .json
            ? #"{"alg_name": "ROME", "layers": ["five"], "learning_rate": 0.5}"#
            : "alg_name: ROME\nlayers: [five]\nlearning_rate: 0.5\n"
        let error = try #require(throws: ModelIOError.self) { try Self.decode(text, format) }
        let (line, found) = format == .json ? (nil, "\"five\"") : (2, "five")
        #expect(error == .configTypeMismatch(
            file: "hparams", keyPath: "layers[0]", line: line, expected: "an integer", found: found))
        #expect(error.description.contains("'layers[0]' expected an integer, found \(found)"))
    }

    @Test("a wrong type quotes the value as written, with its line in YAML")
    func wrongTypeQuotesValue() throws {
        let yaml = "alg_name: ROME\nlayers: 5\nlearning_rate: '5e-1'\n"
        #expect(throws: ModelIOError.configTypeMismatch(
            file: "hparams", keyPath: "layers", line: 2, expected: "a list", found: "5")
        ) { try Self.decode(yaml, .yaml) }
        let quoted = "alg_name: ROME\nlayers: [5]\nlearning_rate: \"5e-1\"\n"
        #expect(throws: ModelIOError.configTypeMismatch(
            file: "hparams", keyPath: "learning_rate", line: 3, expected: "a number", found: "\"5e-1\"")
        ) { try Self.decode(quoted, .yaml) }
        let json = #"{"alg_name": "ROME", "layers": {"a": true}, "learning_rate": null}"#
        #expect(throws: ModelIOError.configTypeMismatch(
            file: "hparams", keyPath: "layers", line: nil, expected: "a list", found: "{a: true}")
        ) { try Self.decode(json, .json) }
    }

    /// Rejects a negative width inside `init(from:)`, as hparams types validate their values.
    struct Validated: Decodable {
        let widths: [Int]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            widths = try container.decode([Int].self, forKey: .widths)
            guard widths.allSatisfy({ $0 >= 0 }) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .widths, in: container, debugDescription: "a list of integers ≥ 0")
            }
        }

        enum CodingKeys: String, CodingKey { case widths }
    }

    @Test("a value rejected by the type's own validation is reported with what was found",
          arguments: [StrictConfigDecoder.Format.json, .yaml])
    func invalidValue(format: StrictConfigDecoder.Format) throws {
        let text = format == .json ? #"{"widths": [4, -1]}"# : "# widths\nwidths: [4, -1]\n"
        let error = try #require(throws: ModelIOError.self) {
            try StrictConfigDecoder.decode(
                Validated.self, from: Data(text.utf8), format: format, file: "c", allowedKeys: ["widths"])
        }
        #expect(error == .invalidConfigValue(
            file: "c", keyPath: "widths", line: format == .json ? nil : 2, expected: "a list of integers ≥ 0",
            found: "[4, -1]"))
    }

    @Test("top-level keys come with their lines in YAML and sorted without lines in JSON")
    func topLevelKeys() throws {
        let yaml = "# comment\nlayers: [1]\nalg_name: ROME\n"
        #expect(try StrictConfigDecoder.topLevelKeys(in: Data(yaml.utf8), format: .yaml, file: "h") == [
            ConfigKey(name: "layers", line: 2), ConfigKey(name: "alg_name", line: 3),
        ])
        let json = #"{"layers": [1], "alg_name": "ROME"}"#
        #expect(try StrictConfigDecoder.topLevelKeys(in: Data(json.utf8), format: .json, file: "h") == [
            ConfigKey(name: "alg_name", line: nil), ConfigKey(name: "layers", line: nil),
        ])
        #expect(throws: ModelIOError.malformedConfig(file: "h", reason: "the top level is not a mapping")) {
            try StrictConfigDecoder.topLevelKeys(in: Data("- 1\n".utf8), format: .yaml, file: "h")
        }
    }

    @Test("nested key paths are reported", arguments: [StrictConfigDecoder.Format.json, .yaml])
    func nestedKeyPath(format: StrictConfigDecoder.Format) throws {
        let text = format == .json
            ? #"{"alg_name":"R","layers":[],"learning_rate":1,"blocks":[{"name":"a","width":1},{"name":"b"}]}"#
            : "alg_name: R\nlayers: []\nlearning_rate: 1\nblocks:\n  - {name: a, width: 1}\n  - {name: b}\n"
        #expect(throws: ModelIOError.missingConfigKey(file: "hparams", keyPath: "blocks[1].width")) {
            try Self.decode(text, format)
        }
    }

    @Test("syntax errors and non-mapping documents are malformed")
    func malformed() throws {
        #expect(throws: ModelIOError.malformedConfig(file: "hparams", reason: "the top level is not a JSON object")) {
            try Self.decode("[1, 2]", .json)
        }
        #expect(throws: ModelIOError.malformedConfig(file: "hparams", reason: "the top level is not a mapping")) {
            try Self.decode("- 1\n- 2\n", .yaml)
        }
        let json = try #require(throws: ModelIOError.self) { try Self.decode(#"{"alg_name": "#, .json) }
        guard case .malformedConfig(file: "hparams", _) = json else { Issue.record("got \(json)"); return }
        let yaml = try #require(throws: ModelIOError.self) { try Self.decode("layers: [1, 2\n", .yaml) }
        guard case .malformedConfig(file: "hparams", _) = yaml else { Issue.record("got \(yaml)"); return }
    }

    @Test("files are read by extension; CaseIterable coding keys give the allowed set")
    func decodesFiles() throws {
        let directory = try TemporaryDirectory()
        let yaml = try directory.write(Data("alg_name: MEMIT\nlayers: [4, 5]\nlearning_rate: 0.1\n".utf8), to: "h.yaml")
        let jsonText = #"{"alg_name": "MEMIT", "layers": [4, 5], "learning_rate": 0.1}"#
        let json = try directory.write(Data(jsonText.utf8), to: "config.json")
        let fromYAML = try StrictConfigDecoder.decode(Hparams.self, contentsOf: yaml, keys: Hparams.CodingKeys.self)
        let fromJSON = try StrictConfigDecoder.decode(Hparams.self, contentsOf: json, keys: Hparams.CodingKeys.self)
        #expect(fromYAML == fromJSON)
        #expect(fromYAML.layers == [4, 5])

        let typo = try directory.write(Data("alg_name: MEMIT\nlayres: [4]\nlearning_rate: 0.1\n".utf8), to: "typo.yml")
        let error = try #require(throws: ModelIOError.self) {
            try StrictConfigDecoder.decode(Hparams.self, contentsOf: typo, keys: Hparams.CodingKeys.self)
        }
        #expect(error.description.hasPrefix("\(typo.filePath):2: unknown key 'layres'; did you mean 'layers'?"))

        let missing = directory.file("absent.json")
        let unreadable = try #require(throws: ModelIOError.self) {
            try StrictConfigDecoder.decode(Hparams.self, contentsOf: missing, keys: Hparams.CodingKeys.self)
        }
        guard case .fileNotReadable(file: missing.filePath, _) = unreadable else {
            Issue.record("got \(unreadable)")
            return
        }
    }
}
