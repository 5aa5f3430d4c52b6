/// Errors of layer statistics: reading corpora, computing, loading, merging and importing second
/// moments. Every message names the file (and the line, key or array where there is one) and
/// says what was expected and what was found.
public enum StatisticsError: Error, CustomStringConvertible, Equatable, Sendable {
    // MARK: Corpus

    /// The corpus file cannot be opened or read (`reason` is the system's message).
    case unreadableCorpus(file: String, reason: String)
    /// A line of the corpus is not valid UTF-8.
    case invalidUTF8(file: String, line: Int)
    /// A JSONL line does not parse as a JSON object.
    case malformedJSONLine(file: String, line: Int, reason: String)
    /// A JSONL object lacks the text field.
    case missingTextField(file: String, line: Int, field: String)
    /// A JSONL object's text field is not a string.
    case textFieldNotString(file: String, line: Int, field: String, found: String)

    // MARK: Computing

    /// A budget, batching or shard value outside its range.
    case invalidParameter(name: String, value: String, expected: String)
    /// The module's captured input has an unexpected shape (the encoder broke its contract).
    case unexpectedCapture(module: String, expected: [Int], found: [Int])

    // MARK: Statistics files

    /// The file is a readable safetensors file but not a statistics file of this format.
    case notAStatisticsFile(file: String, reason: String)
    /// The file was computed for another model.
    case fingerprintMismatch(file: String, expected: String, found: String)
    /// The file holds the statistics of another module.
    case moduleMismatch(file: String, expected: String, found: String)
    /// The file's matrix is d×d for another d than the module's input width.
    case dimensionMismatch(file: String, expected: Int, found: Int)
    /// A shard's partial sum was given where complete statistics are needed (merge first).
    case partialStatistics(file: String, shard: String)
    /// The statistics were computed over no token at all, so C = sum/count is undefined.
    case emptyStatistics(file: String)
    /// A run without a corpus found cached statistics of `module` computed on several corpora, and
    /// cannot tell which one the hparams mean.
    case ambiguousCache(module: String, files: [String])

    // MARK: Merging shards

    /// `merge` was given no file.
    case nothingToMerge
    /// A file given to `merge` holds complete statistics, not a shard's partial sum.
    case notAPartial(file: String)
    /// Two partials disagree on a property they must share (model, module, corpus, budget, n).
    case partialsDisagree(key: String, file: String, value: String, otherFile: String, otherValue: String)
    /// The partials do not cover every shard `0..<count`.
    case missingShards(missing: [Int], count: Int)
    /// Two files hold the same shard.
    case duplicateShard(shard: String, files: [String])

    // MARK: EasyEdit .npz import

    /// The token count is not a positive whole number.
    case invalidCount(file: String, key: String, value: String)

    public var description: String {
        switch self {
        case let .unreadableCorpus(file, reason):
            "\(file): cannot read corpus: \(reason)"
        case let .invalidUTF8(file, line):
            "\(file):\(line): line is not valid UTF-8"
        case let .malformedJSONLine(file, line, reason):
            "\(file):\(line): expected a JSON object on the line: \(reason)"
        case let .missingTextField(file, line, field):
            "\(file):\(line): JSON object has no \"\(field)\" field"
        case let .textFieldNotString(file, line, field, found):
            "\(file):\(line): field \"\(field)\" should be a string, found \(found)"
        case let .invalidParameter(name, value, expected):
            "\(name) = \(value): expected \(expected)"
        case let .unexpectedCapture(module, expected, found):
            "input of \"\(module)\": expected a capture of shape \(expected), found \(found)"
        case let .notAStatisticsFile(file, reason):
            "\(file): not a layer-statistics file: \(reason)"
        case let .fingerprintMismatch(file, expected, found):
            "\(file): statistics of model \(found), expected model \(expected)"
        case let .moduleMismatch(file, expected, found):
            "\(file): statistics of module \"\(found)\", expected \"\(expected)\""
        case let .dimensionMismatch(file, expected, found):
            "\(file): statistics matrix is \(found)×\(found), expected \(expected)×\(expected)"
        case let .partialStatistics(file, shard):
            "\(file): holds only shard \(shard); merge all shards first"
        case let .emptyStatistics(file):
            "\(file): statistics over 0 tokens (C = sum/count is undefined)"
        case let .ambiguousCache(module, files):
            "the statistics cache holds \(module) for several corpora (\(files.joined(separator: ", "))): "
                + "pass --corpus FILE or --stats FILE to choose one"
        case .nothingToMerge:
            "merge: no statistics files given"
        case let .notAPartial(file):
            "\(file): holds complete statistics (shard \"all\"), not a shard's partial sum"
        case let .partialsDisagree(key, file, value, otherFile, otherValue):
            "\(file): \(key) is \(value), but \(otherFile) has \(otherValue)"
        case let .missingShards(missing, count):
            "merge: shards \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) are missing"
        case let .duplicateShard(shard, files):
            "merge: shard \(shard) appears in several files: \(files.joined(separator: ", "))"
        case let .invalidCount(file, key, value):
            "\(file): array \"\(key)\" should hold a positive whole token count, found \(value)"
        }
    }
}
