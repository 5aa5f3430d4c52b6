import Foundation
import Testing
import TestSupport
@testable import ModelIO

/// `AtomicDirectory.write`: the destination is the old folder or the complete new one, never a mix,
/// and no staging or set-aside folder is left behind.
@Suite("Atomic folders")
struct AtomicDirectoryTests {
    private struct Interrupted: Error {}

    @Test("a new folder appears complete; an existing one is replaced and nothing else is left")
    func writesAndReplaces() throws {
        let temporary = try TemporaryDirectory()
        let destination = temporary.file("out")
        try AtomicDirectory.write(destination) { try Data("one".utf8).write(to: $0.appending(path: "a.txt")) }
        #expect(try String(contentsOf: destination.appending(path: "a.txt"), encoding: .utf8) == "one")
        try AtomicDirectory.write(destination) { try Data("two".utf8).write(to: $0.appending(path: "b.txt")) }
        let files = try FileManager.default.contentsOfDirectory(atPath: destination.path(percentEncoded: false))
        #expect(files == ["b.txt"])
        #expect(try temporary.contents() == ["out"])
    }

    @Test("a failure while writing keeps the previous folder and removes the staging folder")
    func failureKeepsPrevious() throws {
        let temporary = try TemporaryDirectory()
        let destination = temporary.file("out")
        try AtomicDirectory.write(destination) { try Data("kept".utf8).write(to: $0.appending(path: "a.txt")) }
        #expect(throws: Interrupted.self) {
            try AtomicDirectory.write(destination) { staging in
                try Data("half".utf8).write(to: staging.appending(path: "a.txt"))
                throw Interrupted()
            }
        }
        #expect(try String(contentsOf: destination.appending(path: "a.txt"), encoding: .utf8) == "kept")
        #expect(try temporary.contents() == ["out"])
    }

    @Test("a destination whose parent is missing is .writeFailed naming it")
    func missingParent() throws {
        let temporary = try TemporaryDirectory()
        let destination = temporary.file("absent/out")
        let file = temporary.file("absent")
        try Data().write(to: file)  // a file where the parent folder should be
        #expect {
            try AtomicDirectory.write(destination) { _ in }
        } throws: { error in
            guard case .writeFailed(let path, _)? = error as? ModelIOError else { return false }
            return path == destination.path(percentEncoded: false)
        }
    }
}
