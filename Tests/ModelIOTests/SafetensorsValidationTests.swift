import Foundation
import ModelIO
import Tensors
import Testing
import TestSupport

/// Broken safetensors files, built by hand in a temporary directory; each must fail with its own
/// typed error whose message names the file (and the tensor where there is one).
@Suite("safetensors header validation")
struct SafetensorsValidationTests {
    /// A broken file: its bytes and the error expected for it, given its path.
    struct Case: CustomTestStringConvertible, Sendable {
        let label: String
        let bytes: Data
        let tensor: String?
        let expected: @Sendable (String) -> ModelIOError
        var testDescription: String { label }

        init(
            _ label: String, _ bytes: Data, tensor: String? = nil,
            _ expected: @escaping @Sendable (String) -> ModelIOError
        ) {
            self.label = label
            self.bytes = bytes
            self.tensor = tensor
            self.expected = expected
        }
    }

    /// One header entry from JSON fragments; a `nil` field is left out.
    static func entry(
        _ name: String, dtype: String? = #""F32""#, shape: String? = "[2]", offsets: String? = "[0,8]"
    ) -> String {
        let fields = [("dtype", dtype), ("shape", shape), ("data_offsets", offsets)]
            .compactMap { key, value in value.map { "\"\(key)\":\($0)" } }
        return "\"\(name)\": {\(fields.joined(separator: ","))}"
    }

    /// A file whose header holds `entries`, followed by `data` zero bytes.
    static func file(_ entries: String..., data: Int) -> Data {
        safetensorsBytes(header: "{" + entries.joined(separator: ", ") + "}", dataBytes: data)
    }

    static let cases: [Case] = [
        Case("empty file", Data()) { .fileTooShort(file: $0, size: 0) },
        Case("truncated length prefix", Data([1, 0, 0, 0, 0])) { .fileTooShort(file: $0, size: 5) },
        Case("header length larger than the file", safetensorsBytes(header: "{}", declaredLength: 100)) {
            .headerLengthOutOfRange(file: $0, declared: 100, available: 2)
        },
        Case("header length 2^63", safetensorsBytes(header: "{}", declaredLength: 1 << 63)) {
            .headerLengthOutOfRange(file: $0, declared: 1 << 63, available: 2)
        },
        Case("header length UInt64.max", safetensorsBytes(header: "{}", declaredLength: .max)) {
            .headerLengthOutOfRange(file: $0, declared: .max, available: 2)
        },
        Case("header not UTF-8", { var bytes = safetensorsBytes(header: "{}"); bytes[8] = 0xFF; return bytes }()) {
            .headerNotUTF8(file: $0)
        },
        Case("malformed JSON", safetensorsBytes(header: #"{"w": {"dtype": "#)) {
            .malformedHeader(file: $0, reason: "The given data was not valid JSON.")
        },
        Case("header not an object", safetensorsBytes(header: "[1, 2]")) {
            .malformedHeader(file: $0, reason: "expected Dictionary<String, Any>")
        },
        Case("metadata values not strings", safetensorsBytes(header: #"{"__metadata__": {"n": 1}}"#)) {
            .malformedHeader(file: $0, reason: "at '__metadata__.n': expected String")
        },
        Case("shape of the wrong type", file(entry("w", shape: #""2""#), data: 8)) {
            .malformedHeader(file: $0, reason: "at 'w.shape': expected Array<Any>")
        },
        Case("missing dtype", file(entry("w", dtype: nil), data: 8), tensor: "w") {
            .missingTensorField(file: $0, tensor: "w", field: "dtype")
        },
        Case("missing shape", file(entry("w", shape: nil), data: 8), tensor: "w") {
            .missingTensorField(file: $0, tensor: "w", field: "shape")
        },
        Case("missing data_offsets", file(entry("w", offsets: nil), data: 8), tensor: "w") {
            .missingTensorField(file: $0, tensor: "w", field: "data_offsets")
        },
        Case("unknown dtype", file(entry("w", dtype: #""F33""#), data: 8), tensor: "w") {
            .unknownDType(file: $0, tensor: "w", dtype: "F33")
        },
        Case("negative extent", file(entry("w", shape: "[-2]"), data: 8), tensor: "w") {
            .invalidShape(file: $0, tensor: "w", shape: [-2])
        },
        Case("shape product overflows", file(entry("w", shape: "[4611686018427387904,4]"), data: 8), tensor: "w") {
            .invalidShape(file: $0, tensor: "w", shape: [1 << 62, 4])
        },
        Case("offsets reversed", file(entry("w", offsets: "[8,0]"), data: 8), tensor: "w") {
            .invalidDataOffsets(file: $0, tensor: "w", offsets: [8, 0])
        },
        Case("offsets not a pair", file(entry("w", offsets: "[0]"), data: 8), tensor: "w") {
            .invalidDataOffsets(file: $0, tensor: "w", offsets: [0])
        },
        Case("negative offset", file(entry("w", offsets: "[-8,0]"), data: 8), tensor: "w") {
            .invalidDataOffsets(file: $0, tensor: "w", offsets: [-8, 0])
        },
        Case("offsets past the data area", file(entry("w"), data: 4), tensor: "w") {
            .offsetsOutOfRange(file: $0, tensor: "w", end: 8, dataSize: 4)
        },
        Case("byte count mismatch", file(entry("w", offsets: "[0,12]"), data: 12), tensor: "w") {
            .byteCountMismatch(file: $0, tensor: "w", expected: 8, found: 12)
        },
        Case("overlapping tensors", file(entry("a"), entry("b", offsets: "[4,12]"), data: 12), tensor: "b") {
            .overlappingTensors(file: $0, first: "a", second: "b")
        },
        Case("gap between tensors", file(entry("a"), entry("b", offsets: "[12,20]"), data: 20), tensor: "b") {
            .gapBeforeTensor(file: $0, tensor: "b", expectedBegin: 8, foundBegin: 12)
        },
        Case("gap before the first tensor", file(entry("a", offsets: "[4,12]"), data: 12), tensor: "a") {
            .gapBeforeTensor(file: $0, tensor: "a", expectedBegin: 0, foundBegin: 4)
        },
        Case("data area not fully covered", file(entry("a"), data: 10)) {
            .trailingData(file: $0, coveredEnd: 8, dataSize: 10)
        },
    ]

    @Test("each broken file fails with its own error, naming the file and tensor", arguments: cases)
    func rejects(_ broken: Case) throws {
        let directory = try TemporaryDirectory()
        let url = try directory.write(broken.bytes, to: "broken.safetensors")
        let expected = broken.expected(url.filePath)
        let error = try #require(throws: ModelIOError.self) { try SafetensorsFile(url: url) }
        #expect(error == expected)
        #expect(error.description.contains(url.filePath))
        if let tensor = broken.tensor { #expect(error.description.contains("'\(tensor)'")) }
    }

    @Test("every truncation and 500 seeded byte corruptions give a typed error or a valid file, never a trap")
    func corruptionNeverTraps() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("valid.safetensors")
        try SafetensorsWriter.write(
            SafetensorsRoundTripTests.sampleTensors(), dtype: .bfloat16, to: url, metadata: ["a": "b"])
        let valid = try Data(contentsOf: url)
        var variants = (0..<valid.count).map { valid.prefix($0) }
        var random = RandomGenerator(seed: 11)
        for _ in 0..<500 {
            var bytes = valid
            for _ in 0..<random.nextInt(in: 1..<4) {
                bytes[random.nextInt(in: 0..<min(bytes.count, 200))] = UInt8(random.nextInt(in: 0..<256))
            }
            variants.append(bytes)
        }
        let target = directory.file("variant.safetensors")
        for bytes in variants {
            try bytes.write(to: target)
            do {
                let file = try SafetensorsFile(url: target)
                for info in file.tensorInfos where info.dtype.floatStorage != nil {
                    #expect(try file.tensor(named: info.name).shape == info.shape)
                }
            } catch let error as ModelIOError {
                #expect(error.description.contains(target.filePath))
            }
        }
    }

    @Test("a missing file and a directory are unreadable, not crashes")
    func unreadable() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.file("absent.safetensors")
        #expect(throws: ModelIOError.fileNotReadable(file: missing.filePath, reason: "No such file or directory")) {
            try SafetensorsFile(url: missing)
        }
        #expect(throws: ModelIOError.fileNotReadable(file: directory.url.filePath, reason: "not a regular file")) {
            try SafetensorsFile(url: directory.url)
        }
    }

    @Test("an empty header and a zero-size tensor are valid")
    func minimalFiles() throws {
        let directory = try TemporaryDirectory()
        let empty = try directory.write(safetensorsBytes(header: "{}"), to: "empty.safetensors")
        #expect(try SafetensorsFile(url: empty).names.isEmpty)
        let zeroSize = Self.file(Self.entry("z", dtype: #""BF16""#, shape: "[0,3]", offsets: "[0,0]"), data: 0)
        let zero = try directory.write(zeroSize, to: "zero.safetensors")
        #expect(try SafetensorsFile(url: zero).tensor(named: "z").shape == [0, 3])
    }

    @Test("an unknown tensor name is a typed error that suggests close names")
    func unknownTensor() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("model.safetensors")
        try SafetensorsWriter.write(SafetensorsRoundTripTests.sampleTensors(), to: url)
        let file = try SafetensorsFile(url: url)
        let error = try #require(throws: ModelIOError.self) { try file.tensor(named: "model.norm.wieght") }
        #expect(error == .tensorNotFound(
            file: url.filePath, tensor: "model.norm.wieght", suggestions: ["model.norm.weight"]))
        #expect(error.description.contains("did you mean 'model.norm.weight'?"))
        #expect(throws: ModelIOError.tensorNotFound(file: url.filePath, tensor: "zzz", suggestions: [])) {
            try file.info(named: "zzz")
        }
    }
}
