import ArgumentParser
import Foundation
import TestSupport
@testable import mokus
import Testing

/// Seeded mutations of every input family the CLI reads, run through `mokus` as a child process
/// (``ChildRun``: address space and CPU time limited), checking issue 17's acceptance for each:
/// no signal (trap, memory kill, hang), a failure is a one-line typed error (no Foundation debug
/// text, no `Fatal error`) reached under 100 MB resident, a success prints no NaN, and nothing
/// is left in the temporary directory or beside the outputs.
///
/// The normal test run tries a few seeds per family (a few seconds in all);
/// `MOKUS_FUZZ_ITERATIONS=N` runs N per family and `MOKUS_FUZZ_SEED=S` starts from another
/// seed (docs/cli.md, "Errors and limits").
@Suite("fuzz: mutated inputs give typed errors, bounded memory and no leftovers")
struct FuzzTests {
    enum Family: String, CaseIterable, CustomTestStringConvertible {
        case configJSON = "config.json", safetensorsHeader = "safetensors header", tokenizerJSON = "tokenizer.json",
             hparamsYAML = "hparams YAML", requestsJSON = "requests JSON", generateNumbers = "generate numbers",
             worldFolder = "world folder", statistics = "statistics and npz files", pretrain = "pretrain inputs",
             worldTrain = "world train inputs"

        var testDescription: String { rawValue }
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repository.appending(path: "Tests/TextEncodersTests/Fixtures")
    static let iterations = ProcessInfo.processInfo.environment["MOKUS_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 4
    static let firstSeed = ProcessInfo.processInfo.environment["MOKUS_FUZZ_SEED"].flatMap(UInt64.init) ?? 17
    /// Issue 17's bound on a failing run's peak resident memory.
    static let failureResidentLimit = 100 << 20

    static var requests: [String: Any] { [
        "prompt": "The red apple is on the", "subject": "The red apple", "target_new": "table",
        "rephrase_prompt": ["A red apple sits on the"],
        "locality": ["n": ["prompt": ["The sky is"], "ground_truth": ["blue"]]],
        "portability": ["p": ["prompt": ["The apple's place is the"], "ground_truth": ["table"]]],
    ] }

    @Test("mutated inputs", arguments: Family.allCases)
    func family(_ family: Family) throws {
        for offset in 0..<UInt64(Self.iterations) {
            let seed = Self.firstSeed &+ offset &* 7919 &+ UInt64(Family.allCases.firstIndex(of: family)!) << 32
            try run(family, seed: seed)
        }
    }

    /// One mutated case: writes its inputs into a fresh work folder, runs `mokus`, checks it.
    func run(_ family: Family, seed: UInt64) throws {
        var mutator = Mutator(seed: seed)
        let root = try TemporaryDirectory(label: "mokus-fuzz")
        let (work, temporary) = (root.file("work"), root.file("tmp"))
        for folder in [work, temporary] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let arguments = try prepare(family, in: work, mutator: &mutator)
        let inputs = Set(try FileManager.default.contentsOfDirectory(atPath: work.path(percentEncoded: false)))
        let result = try ChildRun.mokus(arguments, in: work, temporary: temporary)
        let context = "\(family.rawValue), seed \(seed): mokus \(arguments.joined(separator: " "))\n\(result.standardError.prefix(2000))"
        #expect(result.signal == nil, "killed by signal \(result.signal ?? 0): \(context)")
        if let code = result.exitCode, code != 0 {
            let firstLine = result.standardError.split(separator: "\n").first.map(String.init) ?? ""
            #expect(firstLine.hasPrefix("Error: "), "not a typed error: \(context)")
            for debris in ["Error Domain=", "Fatal error", "UserInfo=", "The operation could not be completed"] {
                #expect(!result.standardError.contains(debris), "\(debris): \(context)")
            }
            #expect(result.peakResident < Self.failureResidentLimit,
                    "failed after \(result.peakResident >> 20) MB resident: \(context)")
        } else {
            let nan = try Regex(#"(^|[\s(:=,\[])-?(nan|inf)([\s),\]]|$)"#)
            #expect(result.standardOutput.firstMatch(of: nan) == nil, "NaN printed on success: \(context)\n\(result.standardOutput)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path(percentEncoded: false)).isEmpty,
                "left files in TMPDIR: \(context)")
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: work.path(percentEncoded: false))).subtracting(inputs)
        // A successful edit of several batches numbers its edits files (edits-1.safetensors, …).
        let unexpected = left.filter { result.exitCode != 0 || !(Self.successOutputs.contains($0) || $0.hasPrefix("edits")) }
        #expect(unexpected.isEmpty, "left \(unexpected.sorted()) in the work folder: \(context)")
        if ProcessInfo.processInfo.environment["MOKUS_FUZZ_LOG"] != nil {
            print("fuzz \(family.rawValue) \(seed): exit \(result.exitCode ?? -1), \(result.peakResident >> 20) MB: "
                  + (result.standardError.split(separator: "\n").first.map(String.init) ?? "ok"))
        }
    }

    /// What a successful run of a family may write into the work folder.
    static let successOutputs: Set<String> = ["out.png", "out", "r.json", "s.safetensors"]

    /// Writes the family's mutated input and returns the command line that reads it.
    func prepare(_ family: Family, in work: URL, mutator: inout Mutator) throws -> [String] {
        let encode = ["encode", "--model", "model", "--text", "The red apple is on the", "--top", "3"]
        let edit = { (hparams: String, requests: String) in
            ["edit", "--hparams", hparams, "--requests", requests, "--model", Self.fixtures.appending(path: "qwen2").path(percentEncoded: false),
             "--eval", "--quiet", "--save-edits", "edits.safetensors"]
        }
        switch family {
        case .configJSON:
            let name = mutator.pick(["qwen2", "llama", "gpt2", "qwen2_5_vl"])
            let model = try linkModel(name, into: work, except: "config.json")
            let config = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixtures.appending(path: "\(name)/config.json")))
            try Self.json(mutator.mutateJSON(config)).write(to: model.appending(path: "config.json"))
            return encode
        case .safetensorsHeader:
            let model = try linkModel("qwen2", into: work, except: "model.safetensors")
            let bytes = try Data(contentsOf: Self.fixtures.appending(path: "qwen2/model.safetensors"))
            try Self.mutateHeader(of: bytes, mutator: &mutator).write(to: model.appending(path: "model.safetensors"))
            return encode
        case .tokenizerJSON:
            let model = try linkModel("qwen2", into: work, except: "tokenizer.json")
            let data = try Data(contentsOf: Self.fixtures.appending(path: "qwen2/tokenizer.json"))
            let mutated = mutator.int(below: 3) == 0
                ? Data(mutator.mutateBytes([UInt8](data)))
                : try Self.json(mutator.mutateJSON(try JSONSerialization.jsonObject(with: data)))
            try mutated.write(to: model.appending(path: "tokenizer.json"))
            return encode
        case .hparamsYAML:
            let text = try String(contentsOf: Self.repository.appending(path: "hparams/ROME/tiny-qwen2.yaml"), encoding: .utf8)
            try mutator.mutateYAML(text).write(to: work.appending(path: "h.yaml"), atomically: false, encoding: .utf8)
            try JSONSerialization.data(withJSONObject: [Self.requests]).write(to: work.appending(path: "r.json"))
            return edit("h.yaml", "r.json")
        case .requestsJSON:
            let requests = mutator.mutateJSON([Self.requests])
            try Self.json(requests).write(to: work.appending(path: "r.json"))
            return edit(Self.repository.appending(path: "hparams/ROME/tiny-qwen2.yaml").path(percentEncoded: false), "r.json")
        case .generateNumbers:
            return ["generate", "--prompt", "a red circle", "--quiet", "--out", "out.png",
                    "--size", mutator.pick(Mutator.sizeTexts), "--steps", mutator.pick(["1", "2", "1e12", "10001", "0", "-1"]),
                    "--guidance", mutator.pick(["1", "4", "nan", "-inf", "1e38", "-1"])]
        case .worldFolder: return try prepareWorldFolder(in: work, mutator: &mutator)
        case .statistics: return try prepareStatistics(in: work, mutator: &mutator)
        case .pretrain: return try preparePretrain(in: work, mutator: &mutator)
        case .worldTrain: return try prepareWorldTrain(in: work, mutator: &mutator)
        }
    }

    /// A safetensors file's bytes with its JSON header mutated (as bytes, or as JSON) and its
    /// length prefix rewritten; the tensor data is kept.
    static func mutateHeader(of file: Data, mutator: inout Mutator) throws -> Data {
        let bytes = [UInt8](file)
        let length = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        var header = Array(bytes[8..<(8 + length)])
        if mutator.int(below: 3) == 0 {
            header = mutator.mutateBytes(header)
        } else if let object = try? JSONSerialization.jsonObject(with: Data(header)) {
            header = [UInt8](try json(mutator.mutateJSON(object)))
        }
        let prefix = (0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) }
        return Data(prefix + header + bytes[(8 + length)...])
    }

    /// `value` as JSON; a mutation may have made the top level a scalar.
    static func json(_ value: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])
    }

    /// `work/model` holding the fixture `name`'s files as links, except `mutated`.
    func linkModel(_ name: String, into work: URL, except mutated: String) throws -> URL {
        let model = work.appending(path: "model")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.appending(path: name).path(percentEncoded: false))
        where file != mutated {
            try FileManager.default.createSymbolicLink(at: model.appending(path: file), withDestinationURL: Self.fixtures.appending(path: "\(name)/\(file)"))
        }
        return model
    }

    @Test("numeric options parse to values inside their bounds, or fail to parse", arguments: 0..<4)
    func numbers(_ round: Int) {
        var mutator = Mutator(seed: Self.firstSeed &+ UInt64(round))
        for _ in 0..<(Self.iterations * 25) {
            let (size, steps, guidance) = (mutator.pick(Mutator.numberTexts), mutator.pick(Mutator.numberTexts), mutator.pick(Mutator.numberTexts))
            if let parsed = try? Mokus.Generate.parse(["--prompt", "a", "--size", size, "--steps", steps, "--guidance", guidance]) {
                #expect(parsed.size.map { (1...ImageSize.maximumSide).contains($0.width) && (1...ImageSize.maximumSide).contains($0.height) } ?? true)
                #expect(parsed.steps.map { (1...10_000).contains($0) } ?? true)
                #expect(parsed.guidance.isFinite && (0...100).contains(parsed.guidance))
            }
            let top = mutator.pick(Mutator.numberTexts), count = mutator.pick(Mutator.numberTexts)
            if let parsed = try? Mokus.Encode.parse(["--text", "a", "--top", top]) { #expect((1...1_000_000).contains(parsed.top)) }
            if let parsed = try? Mokus.Apply.parse(["--edits", "e", "--save-model", "/tmp/mokus-fuzz-\(UUID())", "--count", count]) {
                #expect(parsed.count.map { (0...1_000_000).contains($0) } ?? true)
            }
            _ = MemorySize(argument: mutator.pick(Mutator.numberTexts))
        }
    }
}
