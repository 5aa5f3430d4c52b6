import Foundation

/// Seeded mutations of the inputs the fuzz suite feeds the CLI: structural ones on JSON
/// documents (replace a value anywhere in the tree with a boundary value, delete a key, change a
/// type), byte-level ones on any text, and line-level ones on YAML. The same seed gives the same
/// mutations, so a failing case is reproduced by its seed.
struct Mutator {
    private var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    /// SplitMix64.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(below bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

    mutating func pick<T>(_ choices: [T]) -> T { choices[int(below: choices.count)] }

    /// Values at and past the boundaries configs and requests are checked against.
    static var boundaryValues: [Any] { [
        -1, 0, 1, 2, 3, 7, 1 << 31, 1 << 40, 1_000_000_000_000, Int.max, -(1 << 40), 0.5, -0.0, 1e-30, 1e300, -1e300,
        "", " ", "bogus", "gelu", "silu", "llama3", "mrope", String(repeating: "x", count: 5000), NSNull(), true, false,
        [Any](), [1, 2], [1, 2, 3], [0, 0, 0], [String: Any](), ["rope_type": "linear", "factor": -1],
    ] }

    /// Numbers as a user might type them on a command line.
    static let numberTexts = [
        "-1", "0", "1", "2", "3", "-0", "16", "17", "1e12", "nan", "inf", "-inf", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "4096", "65536", "1.5", "0x10", "", " 5", "32x32", "4096x4096", "0x0", "-32x32",
        "9223372036854775807x2", "16384x16384", "1M", "8G", "abc",
    ]

    /// Image sizes: the bundled world's, ones over any memory budget, malformed and overflowing.
    static let sizeTexts = ["32x32", "64x32", "48x48", "33x32", "4096x4096", "16384x16384", "16385x16", "0x32", "-32x32",
                            "9223372036854775807x2", "32", "x", "32x32x32"]

    /// `document` with 1–3 structural mutations.
    mutating func mutateJSON(_ document: Any) -> Any {
        var result = document
        for _ in 0...int(below: 3) { result = mutate(result, depth: 0) }
        return result
    }

    private mutating func mutate(_ value: Any, depth: Int) -> Any {
        let stop = depth > 0 && int(below: 3) == 0
        switch value {
        case var object as [String: Any] where !object.isEmpty && !stop:
            let key = pick(object.keys.sorted())
            switch int(below: 6) {
            case 0: object.removeValue(forKey: key)
            case 1: object[key] = pick(Self.boundaryValues)
            default: object[key] = mutate(object[key] as Any, depth: depth + 1)
            }
            return object
        case var array as [Any] where !array.isEmpty && !stop:
            let index = int(below: array.count)
            switch int(below: 5) {
            case 0: array.remove(at: index)
            case 1: array.append(array[index])
            default: array[index] = mutate(array[index], depth: depth + 1)
            }
            return array
        default:
            return pick(Self.boundaryValues)
        }
    }

    /// `bytes` with 1–4 byte-level changes: flips, deletions, duplications, insertions of
    /// syntax characters and boundary numbers.
    mutating func mutateBytes(_ bytes: [UInt8]) -> [UInt8] {
        var result = bytes
        let tokens = ["{", "}", "[", "]", "\"", ",", ":", "-1", "1e12", "null", "\n", "&a", "*a", "\u{0}", "\u{FFFF}"]
        for _ in 0...int(below: 4) where !result.isEmpty {
            let at = int(below: result.count)
            switch int(below: 4) {
            case 0: result[at] ^= UInt8(truncatingIfNeeded: 1 << int(below: 8))
            case 1: result.removeSubrange(at..<min(result.count, at + 1 + int(below: 16)))
            case 2: result.insert(contentsOf: Array(pick(tokens).utf8), at: at)
            default: result.insert(contentsOf: result[at..<min(result.count, at + 1 + int(below: 32))], at: at)
            }
        }
        return result
    }

    /// YAML `text` with 1–3 line-level changes: a value replaced by a boundary value, a line
    /// duplicated (duplicate key), removed, or an anchor bomb appended.
    mutating func mutateYAML(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let values = ["-1", "0", "1e12", "-1e300", ".nan", ".inf", "\"\"", "[]", "{}", "[-1]", "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]",
                      "bogus", "null", "~", "\"{}\"", "[\"{}\", \"\"]"]
        for _ in 0...int(below: 3) where !lines.isEmpty {
            let at = int(below: lines.count)
            switch int(below: 5) {
            case 0: lines.insert(lines[at], at: at)
            case 1: lines.remove(at: at)
            case 2:
                lines.append("bomb_a: &a [x, x, x, x, x, x, x, x, x, x]")
                for (name, previous) in zip(["b", "c", "d", "e", "f", "g"], ["a", "b", "c", "d", "e", "f"]) {
                    lines.append("bomb_\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]")
                }
            default:
                guard let colon = lines[at].firstIndex(of: ":"), !lines[at].hasPrefix("#") else { continue }
                lines[at] = String(lines[at][...colon]) + " " + pick(values)
            }
        }
        return lines.joined(separator: "\n")
    }
}
