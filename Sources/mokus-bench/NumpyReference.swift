import Foundation

/// Runs `References/numpy_reference.py` with `python3` in a child process (same environment,
/// same machine, same command) and returns its median seconds per case name.
enum NumpyReference {
    struct Result {
        var seconds: [String: Double] = [:]
        var description = ""
    }

    /// nil when python3 or numpy is unavailable (the report then shows our numbers only).
    static func run(_ cases: [BenchmarkCase]) -> Result? {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("References/numpy_reference.py")
        guard FileManager.default.fileExists(atPath: script.path), numpyAvailable() else { return nil }
        let payload: [[String: Any]] = cases.compactMap { c in
            guard let reference = c.reference, let kind = c.referenceKind else { return nil }
            var entry: [String: Any] = reference
            entry["name"] = c.name
            entry["kind"] = kind
            entry["repeats"] = c.repeats
            return entry
        }
        guard let input = try? JSONSerialization.data(withJSONObject: payload),
              let output = run(["python3", script.path], stdin: input) else { return nil }
        var result = Result()
        for line in output.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let name = object["name"] as? String, let seconds = object["seconds"] as? Double else { continue }
            if name == "_info" {
                result.description = object["detail"] as? String ?? ""
            } else {
                result.seconds[name] = seconds
            }
        }
        return result
    }

    private static func numpyAvailable() -> Bool {
        run(["python3", "-c", "import numpy"], stdin: Data()) != nil
    }

    /// Runs a command, feeding `stdin`; returns stdout when it exits with status 0.
    private static func run(_ arguments: [String], stdin: Data) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        input.fileHandleForWriting.write(stdin)
        try? input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }
}
