import Foundation
import TestSupport
import Testing
@testable import Imaging

@Suite("Atomic output files")
struct AtomicFileTests {
    struct ProducerFailed: Error {}

    @Test("a producer that fails half-way leaves the old file intact and no temporary file")
    func failedProducer() throws {
        try TemporaryDirectory.with(label: "imaging-tests") { directory in
            let url = directory.appendingPathComponent("report.svg")
            try writeTextAtomically("old", to: url)
            #expect(throws: ProducerFailed.self) {
                try writeAtomically(to: url) { temporaryPath in
                    try Data("half".utf8).write(to: URL(fileURLWithPath: temporaryPath))
                    throw ProducerFailed()
                }
            }
            #expect(try String(contentsOf: url, encoding: .utf8) == "old")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["report.svg"])
        }
    }

    @Test("a rename that fails is .writeFailed naming the destination, and the temporary file is removed")
    func failedRename() throws {
        try TemporaryDirectory.with(label: "imaging-tests") { directory in
            let occupied = directory.appendingPathComponent("occupied")
            try FileManager.default.createDirectory(
                at: occupied.appendingPathComponent("child"), withIntermediateDirectories: true)
            #expect {
                try writeTextAtomically("text", to: occupied)
            } throws: { error in
                guard case .writeFailed(let path, _)? = error as? ImagingError else { return false }
                return path == occupied.path
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["occupied"])
        }
    }
}
