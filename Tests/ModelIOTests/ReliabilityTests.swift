import Foundation
@testable import ModelIO
import Tensors
import Testing
import TestSupport

/// Issue 17: configuration errors on one line with their position, YAML alias expansion bounded,
/// non-finite tensors never written.
@Suite("one-line config errors, bounded YAML, finite tensors only")
struct ReliabilityTests {
    static let keys = ["alg_name", "layers", "context_templates"]

    struct Document: Decodable {
        var alg_name: String?
        var layers: [Int]?
        var context_templates: [[String]]?
    }

    func decode(_ text: String, _ format: StrictConfigDecoder.Format) throws -> Document {
        try StrictConfigDecoder.decode(Document.self, from: Data(text.utf8), format: format, file: "f", allowedKeys: Self.keys)
    }

    func reason(_ body: () throws -> Document) -> String? {
        do { _ = try body() } catch let error as ModelIOError {
            if case let .malformedConfig(_, reason) = error { return reason }
        } catch {}
        return nil
    }

    @Test("invalid JSON names the line and column (it said \"The operation could not be completed\")")
    func jsonPosition() {
        let found = reason { try decode("{\"alg_name\": \"ROME\",\n  \"layers\": ]\n}", .json) }
        #expect(found?.hasPrefix("invalid JSON: line 2, column 13") == true)
        #expect(found?.contains("could not be completed") == false)
    }

    @Test("a duplicate YAML key is one line naming the key, without quoting the file")
    func duplicateKey() {
        let found = reason { try decode("alg_name: ROME\nlayers: [0]\nlayers: [1]\n", .yaml) }
        #expect(found?.contains("duplicate key 'layers'") == true)
        #expect(found?.contains("\n") == false)
        #expect(found?.contains("alg_name") == false)
    }

    @Test("billion-laughs anchors are refused at once (they spun in rendering)")
    func aliasBomb() {
        var lines = ["alg_name: ROME", "context_templates:", "  - &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            lines.append("  - &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]")
            previous = name
        }
        let start = ContinuousClock.now
        let found = reason { try decode(lines.joined(separator: "\n"), .yaml) }
        #expect(found?.contains("expands to more than") == true)
        #expect(ContinuousClock.now - start < .seconds(2))
        // Real documents with a few aliases still decode.
        #expect((try? decode("alg_name: ROME\nlayers: &l [1, 2]\ncontext_templates: [[a]]\n", .yaml))?.layers == [1, 2])
    }

    @Test("a tensor holding NaN or infinity is not written, and nothing is left behind")
    func nonFiniteTensor() throws {
        let directory = try TemporaryDirectory()
        var values = Tensor.zeros([4, 300_000])
        values.withUnsafeMutableBufferPointer { $0[1_100_001] = .infinity }
        let url = directory.file("t.safetensors")
        #expect(throws: ModelIOError.nonFiniteTensor(file: url.path(percentEncoded: false), tensor: "w", index: 1_100_001)) {
            try SafetensorsWriter.write([SafetensorsEntry("w", values)], to: url)
        }
        #expect(try directory.contents().isEmpty)
    }

    @Test("filesystem errors give the system's reason, not Foundation's debug text")
    func systemReason() {
        do {
            try Data("x".utf8).write(to: URL(fileURLWithPath: "/proc/nonexistent-mokus/x"))
            Issue.record("the write should fail")
        } catch {
            #expect(ErrorText.reason(error) == "No such file or directory")
        }
        #expect(ErrorText.position(ofByte: 5, in: Data("ab\ncd\ne".utf8)) == (2, 3))
    }
}
