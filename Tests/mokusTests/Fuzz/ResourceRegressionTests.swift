import Foundation
import TestSupport
import Testing

/// Issue 17's unbounded allocations and silent NaNs, reproduced through `mokus` as a child
/// process (``ChildRun``): each must now fail with a one-line error, under 100 MB resident.
@Suite("runs that allocated without bound, or printed NaN, fail early")
struct ResourceRegressionTests {
    static let fixture = FuzzTests.fixtures.appending(path: "qwen2").path(percentEncoded: false)

    /// Runs `mokus arguments` in a scratch folder (`input`, when given, is the file `../input.txt`)
    /// and returns its first stderr line, after checking it failed cleanly and small.
    func failure(_ arguments: [String], input: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let scratch = try TemporaryDirectory(label: "mokus-regression")
        let root = scratch.file("work")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try input?.write(to: scratch.file("input.txt"), atomically: false, encoding: .utf8)
        let run = try ChildRun.mokus(arguments, in: root, temporary: root)
        #expect(run.signal == nil && run.exitCode == 1, "\(run.standardError)", sourceLocation: sourceLocation)
        #expect(run.peakResident < FuzzTests.failureResidentLimit, "\(run.peakResident >> 20) MB", sourceLocation: sourceLocation)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path(percentEncoded: false)).isEmpty,
                sourceLocation: sourceLocation)
        return run.standardError.split(separator: "\n").first.map(String.init) ?? ""
    }

    @Test("a 4096×4096 image on the small pipeline is refused with its estimate (it asked for 825 GB)")
    func largeImage() throws {
        let message = try failure(["generate", "--prompt", "a red circle", "--size", "4096x4096", "--quiet", "--out", "x.png"])
        #expect(message.contains("needs about") && message.contains("memory budget"))
    }

    @Test("a text longer than the context is refused before the pass (54 k tokens allocated 57 GB)")
    func longText() throws {
        let message = try failure(["encode", "--model", Self.fixture, "--text-file", "../input.txt"],
                                  input: String(repeating: "The red apple. ", count: 12_000))
        #expect(message.contains("longer than the model's context of 32768 tokens"))
    }

    @Test("--max-memory lowers the budget")
    func budget() throws {
        let message = try failure(["encode", "--model", Self.fixture, "--text", "The red apple", "--max-memory", "16K"])
        #expect(message.contains("more than the 16.0 KiB memory budget"))
    }
}
