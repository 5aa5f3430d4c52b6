import Foundation

/// Runs the reference measurements: Python scripts under `References/` (numpy, transformers,
/// tiktoken) executed with `python3` from the same command, on the same machine, in the same
/// environment. They are the comparison, never part of the product.
enum PythonReference {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "References")

    /// Whether `python3` can import every module in `modules`.
    static func canImport(_ modules: [String]) -> Bool {
        run(["python3", "-c", "import " + modules.joined(separator: ", ")], stdin: Data()) != nil
    }

    /// Runs `References/<script>` with `input` as JSON on stdin; returns each JSON object it
    /// printed (one per line), or nil when it failed.
    static func run(script: String, input: Any) -> [[String: Any]]? {
        let path = directory.appending(path: script).path(percentEncoded: false)
        guard let data = try? JSONSerialization.data(withJSONObject: input),
              let output = run(["python3", path], stdin: data) else { return nil }
        return output.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// Runs a command, feeding `stdin`; returns stdout when it exits with status 0.
    static func run(_ arguments: [String], stdin: Data) -> String? {
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

/// numpy timings for ``BenchmarkCase``s (References/numpy_reference.py).
enum NumpyReference {
    struct Result {
        var seconds: [String: Double] = [:]
        var description = ""
    }

    /// nil when python3 or numpy is unavailable (the report then shows our numbers only).
    static func run(_ cases: [BenchmarkCase]) -> Result? {
        guard PythonReference.canImport(["numpy"]) else { return nil }
        let payload: [[String: Any]] = cases.compactMap { c in
            guard let reference = c.reference, let kind = c.referenceKind else { return nil }
            var entry: [String: Any] = reference
            entry["name"] = c.name
            entry["kind"] = kind
            entry["repeats"] = c.repeats
            return entry
        }
        guard let objects = PythonReference.run(script: "numpy_reference.py", input: payload) else { return nil }
        var result = Result()
        for object in objects {
            guard let name = object["name"] as? String, let seconds = object["seconds"] as? Double else { continue }
            if name == "_info" { result.description = object["detail"] as? String ?? "" } else { result.seconds[name] = seconds }
        }
        return result
    }
}

/// transformers timings of the same text-encoder runs (References/torch_text_encoder.py).
enum TorchReference {
    struct Result {
        var version: String
        var forward: Double
        var backward: Double
    }

    static func run(directory: URL, sequences: [[Int]]) -> Result? {
        guard PythonReference.canImport(["torch", "transformers"]),
              let object = PythonReference.run(
                script: "torch_text_encoder.py",
                input: ["directory": directory.path(percentEncoded: false), "sequences": sequences, "repeats": 3])?.first,
              let forward = object["forward"] as? Double, let backward = object["backward"] as? Double
        else { return nil }
        return Result(version: object["version"] as? String ?? "?", forward: forward, backward: backward)
    }
}
