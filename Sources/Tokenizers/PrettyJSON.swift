/// A JSON value with ordered object keys, printed the way Hugging Face writes its files: two-space
/// indentation, `"key": value`, `[]`/`{}` for empty containers, non-ASCII characters as they are,
/// and only `"`, `\` and control characters escaped (serde_json's `PrettyFormatter`, which writes
/// `tokenizer.json`, and Python's `json.dumps(indent=2, ensure_ascii=False)`, which writes
/// `tokenizer_config.json`, agree on all of this).
///
/// Foundation's `JSONSerialization` cannot be used: it neither keeps key order nor prints the same
/// spacing and escapes.
indirect enum PrettyJSON {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([PrettyJSON])
    case object([(key: String, value: PrettyJSON)])

    /// The printed document (no trailing newline).
    var text: String {
        var output = ""
        write(to: &output, indent: 0)
        return output
    }

    private func write(to output: inout String, indent: Int) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .int(let value): output += String(value)
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let elements):
            guard !elements.isEmpty else { output += "[]"; return }
            output += "["
            for (index, element) in elements.enumerated() {
                output += index == 0 ? "\n" : ",\n"
                output += String(repeating: " ", count: indent + 2)
                element.write(to: &output, indent: indent + 2)
            }
            output += "\n" + String(repeating: " ", count: indent) + "]"
        case .object(let members):
            guard !members.isEmpty else { output += "{}"; return }
            output += "{"
            for (index, member) in members.enumerated() {
                output += index == 0 ? "\n" : ",\n"
                output += String(repeating: " ", count: indent + 2)
                Self.writeString(member.key, to: &output)
                output += ": "
                member.value.write(to: &output, indent: indent + 2)
            }
            output += "\n" + String(repeating: " ", count: indent) + "}"
        }
    }

    private static func writeString(_ value: String, to output: inout String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
