import Yams

/// YAML-specific checks of ``ConfigDocument``: one-line parse errors, and a bound on alias
/// expansion.
enum YAMLLimits {
    /// Most nodes a document may hold once its aliases are expanded. Real hparams files hold a
    /// few hundred; "billion laughs" documents (anchors of lists of aliases of lists …) expand
    /// exponentially and would spin in decoding and rendering.
    static let maximumExpandedNodes = 100_000

    /// Throws when `node`, with every alias expanded, holds more than ``maximumExpandedNodes``
    /// nodes. The walk stops at the bound, so it costs at most that many steps.
    static func checkExpansion(_ node: Node, file: String) throws {
        var visited = 0
        var pending = [node]
        while let next = pending.popLast() {
            visited += 1
            guard visited <= maximumExpandedNodes else {
                throw ModelIOError.malformedConfig(
                    file: file, reason: "the document expands to more than \(maximumExpandedNodes) values (YAML aliases nested too deep)")
            }
            switch next {
            case .scalar, .alias: break
            case .sequence(let sequence): pending.append(contentsOf: sequence)
            case .mapping(let mapping): for (key, value) in mapping { pending.append(key); pending.append(value) }
            }
        }
    }

    /// A YAML parse error on one line, with its line and column, without quoting the document
    /// (Yams' descriptions append the whole text around the error).
    static func reason(_ error: any Error) -> String {
        guard let yaml = error as? YamlError else { return ErrorText.reason(error) }
        switch yaml {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return "line \(mark.line), column \(mark.column): \(problem)"
        case let .duplicatedKeysInMapping(duplicates, context):
            return "line \(context.mark.line): duplicate key "
                + duplicates.map { "'\($0)'" }.joined(separator: ", ") + " (each key may appear once)"
        case let .reader(problem, offset, _, _):
            return (offset.map { "byte \($0): " } ?? "") + problem
        default:
            return ErrorText.oneLine("\(yaml)")
        }
    }
}
