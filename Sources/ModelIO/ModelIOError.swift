/// Everything that can go wrong while reading or writing checkpoints and configuration files.
///
/// Every case names the file it concerns (a path) and, where relevant, the tensor or key, and says
/// what was expected and what was found. Bad input never traps: every validation in this module
/// ends in one of these cases.
public enum ModelIOError: Error, CustomStringConvertible, Equatable, Sendable {
    // MARK: Files

    /// The file could not be opened, inspected or mapped (`reason` is the system's message).
    case fileNotReadable(file: String, reason: String)
    /// Writing, syncing or renaming an output file failed; nothing was left half-written.
    case writeFailed(file: String, reason: String)

    // MARK: NumPy .npy arrays and .npz archives

    /// The file is not a readable zip archive (or an entry fails its checksum).
    case unreadableArchive(file: String, reason: String)
    /// The archive has no `<key>.npy` entry.
    case missingArray(file: String, key: String, available: [String])
    /// An `.npy` header does not follow the format (magic, version, length, dictionary).
    case malformedArray(file: String, key: String, reason: String)
    /// An array's element type is not one of those accepted for it.
    case unsupportedArrayType(file: String, key: String, expected: [String], found: String)
    /// An array's shape is not the one required.
    case wrongArrayShape(file: String, key: String, expected: String, found: [Int])
    /// An array's data ends before (or runs past) the size its header declares.
    case arrayDataSize(file: String, key: String, expectedBytes: Int, foundBytes: Int)

    // MARK: safetensors layout

    /// The file is shorter than the 8-byte header-length prefix.
    case fileTooShort(file: String, size: Int)
    /// The declared header length does not fit in the file after the 8-byte prefix.
    case headerLengthOutOfRange(file: String, declared: UInt64, available: Int)
    /// The header bytes are not valid UTF-8.
    case headerNotUTF8(file: String)
    /// The header is not a JSON object of tensor entries (with an optional `__metadata__`).
    case malformedHeader(file: String, reason: String)
    /// A tensor entry lacks `dtype`, `shape` or `data_offsets`.
    case missingTensorField(file: String, tensor: String, field: String)
    /// A tensor's dtype string is not a safetensors dtype.
    case unknownDType(file: String, tensor: String, dtype: String)
    /// A shape with a negative extent, or whose element or byte count overflows `Int`.
    case invalidShape(file: String, tensor: String, shape: [Int])
    /// `data_offsets` is not `[begin, end]` with `0 ≤ begin ≤ end`.
    case invalidDataOffsets(file: String, tensor: String, offsets: [Int])
    /// A tensor's bytes end past the data area.
    case offsetsOutOfRange(file: String, tensor: String, end: Int, dataSize: Int)
    /// The byte range's length differs from `product(shape) × dtype size`.
    case byteCountMismatch(file: String, tensor: String, expected: Int, found: Int)
    /// Two tensors share bytes.
    case overlappingTensors(file: String, first: String, second: String)
    /// Bytes between the previous tensor's end and this tensor's begin belong to no tensor.
    case gapBeforeTensor(file: String, tensor: String, expectedBegin: Int, foundBegin: Int)
    /// The tensors end before the file does: trailing bytes belong to no tensor.
    case trailingData(file: String, coveredEnd: Int, dataSize: Int)

    // MARK: Tensor access

    /// No tensor of that name; `suggestions` are the closest names present.
    case tensorNotFound(file: String, tensor: String, suggestions: [String])
    /// The tensor's storage dtype has no Float32 conversion (only F32, BF16 and F16 do).
    case notConvertibleToFloat(file: String, tensor: String, dtype: String)

    // MARK: Checkpoints (directories, shards, index)

    /// The checkpoint directory holds no `*.safetensors` file.
    case noSafetensorsFiles(directory: String)
    /// `model.safetensors.index.json` is not valid JSON with a `weight_map` of strings.
    case malformedIndex(index: String, reason: String)
    /// The index names a shard file that does not exist.
    case missingShard(index: String, shard: String)
    /// The index maps a tensor to a shard that does not contain it.
    case tensorNotInShard(index: String, tensor: String, shard: String)
    /// The same tensor name appears in several files of an unindexed checkpoint.
    case duplicateTensor(tensor: String, files: [String])
    /// A tensor handed to a writer is unusable (duplicate or reserved name, wrong byte count).
    case invalidTensorForWriting(tensor: String, reason: String)
    /// A tensor to be written holds NaN or infinity (at row-major `index`); nothing is written.
    case nonFiniteTensor(file: String, tensor: String, index: Int)

    // MARK: Strict loading against a model's declared parameters (StrictCheckpoint)

    /// The checkpoint lacks a tensor the model needs.
    case missingTensor(directory: String, name: String)
    /// The checkpoint holds a tensor the model does not use.
    case unexpectedTensor(directory: String, name: String)
    /// A tensor's shape differs from the one the model's configuration implies.
    case tensorShapeMismatch(name: String, expected: [Int], found: [Int])

    // MARK: Configuration files

    /// A top-level key that the configuration type does not know; `suggestion` is the nearest
    /// valid key by edit distance, when one is close.
    case unknownConfigKey(file: String, key: String, line: Int?, validKeys: [String], suggestion: String?)
    /// A required key is absent (`keyPath` like `layers[2].name`).
    case missingConfigKey(file: String, keyPath: String)
    /// A value has the wrong type or is null where a value is required; `expected` is the type in
    /// words (`an integer`, `a list`), `found` quotes the value as the document writes it, `line`
    /// is its line (YAML).
    case configTypeMismatch(file: String, keyPath: String, line: Int?, expected: String, found: String)
    /// A value of the right type that the configuration type rejects (out of range, not one of the
    /// allowed choices); `expected` says what is allowed.
    case invalidConfigValue(file: String, keyPath: String, line: Int?, expected: String, found: String)
    /// The document does not parse, or is not a mapping at the top level.
    case malformedConfig(file: String, reason: String)

    public var description: String {
        switch self {
        case let .fileNotReadable(file, reason):
            "\(file): cannot read file: \(reason)"
        case let .writeFailed(file, reason):
            "\(file): cannot write file: \(reason)"
        case let .unreadableArchive(file, reason):
            "\(file): not a readable .npz (zip) archive: \(reason)"
        case let .missingArray(file, key, available):
            "\(file): no array \"\(key)\" (archive holds: \(available.joined(separator: ", ")))"
        case let .malformedArray(file, key, reason):
            "\(file): array \"\(key)\": malformed .npy data: \(reason)"
        case let .unsupportedArrayType(file, key, expected, found):
            "\(file): array \"\(key)\" has dtype '\(found)', expected "
                + expected.map { "'\($0)'" }.joined(separator: " or ")
        case let .wrongArrayShape(file, key, expected, found):
            "\(file): array \"\(key)\" has shape \(found), expected \(expected)"
        case let .arrayDataSize(file, key, expectedBytes, foundBytes):
            "\(file): array \"\(key)\" needs \(expectedBytes) data bytes, found \(foundBytes)"
        case let .fileTooShort(file, size):
            "\(file): \(size) bytes is too short for a safetensors file (needs at least 8 bytes)"
        case let .headerLengthOutOfRange(file, declared, available):
            "\(file): header length \(declared) exceeds the \(available) bytes after the length prefix"
        case let .headerNotUTF8(file):
            "\(file): safetensors header is not valid UTF-8"
        case let .malformedHeader(file, reason):
            "\(file): malformed safetensors header: \(reason)"
        case let .missingTensorField(file, tensor, field):
            "\(file): tensor '\(tensor)' has no '\(field)' field"
        case let .unknownDType(file, tensor, dtype):
            "\(file): tensor '\(tensor)' has unknown dtype '\(dtype)'; supported: "
                + SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
                + " (Float32 conversion: F32, BF16, F16)"
        case let .invalidShape(file, tensor, shape):
            "\(file): tensor '\(tensor)' has invalid shape \(shape) (negative extent or size overflow)"
        case let .invalidDataOffsets(file, tensor, offsets):
            "\(file): tensor '\(tensor)' has data_offsets \(offsets); expected [begin, end] with 0 ≤ begin ≤ end"
        case let .offsetsOutOfRange(file, tensor, end, dataSize):
            "\(file): tensor '\(tensor)' ends at byte \(end) of a \(dataSize)-byte data area"
        case let .byteCountMismatch(file, tensor, expected, found):
            "\(file): tensor '\(tensor)' needs \(expected) bytes (shape × dtype size), its offsets span \(found)"
        case let .overlappingTensors(file, first, second):
            "\(file): tensors '\(first)' and '\(second)' overlap"
        case let .gapBeforeTensor(file, tensor, expectedBegin, foundBegin):
            "\(file): tensor '\(tensor)' begins at byte \(foundBegin); expected \(expectedBegin) (no gaps allowed)"
        case let .trailingData(file, coveredEnd, dataSize):
            "\(file): tensors cover \(coveredEnd) of \(dataSize) data bytes; the rest belongs to no tensor"
        case let .tensorNotFound(file, tensor, suggestions):
            "\(file): no tensor named '\(tensor)'" + (suggestions.isEmpty ? "" : Self.didYouMean(suggestions))
        case let .notConvertibleToFloat(file, tensor, dtype):
            "\(file): tensor '\(tensor)' is stored as \(dtype); only F32, BF16 and F16 convert to Float32"
        case let .noSafetensorsFiles(directory):
            "\(directory): no model.safetensors.index.json and no *.safetensors file"
        case let .malformedIndex(index, reason):
            "\(index): malformed safetensors index: \(reason)"
        case let .missingShard(index, shard):
            "\(index): shard '\(shard)' named in weight_map does not exist"
        case let .tensorNotInShard(index, tensor, shard):
            "\(index): weight_map puts tensor '\(tensor)' in '\(shard)', which does not contain it"
        case let .duplicateTensor(tensor, files):
            "tensor '\(tensor)' appears in several files: \(files.joined(separator: ", "))"
        case let .invalidTensorForWriting(tensor, reason):
            "cannot write tensor '\(tensor)': \(reason)"
        case let .nonFiniteTensor(file, tensor, index):
            "\(file): not written: tensor '\(tensor)' holds NaN or infinity (first at index \(index))"
        case let .missingTensor(directory, name):
            "\(directory): checkpoint has no tensor \"\(name)\", which the architecture needs"
        case let .unexpectedTensor(directory, name):
            "\(directory): checkpoint tensor \"\(name)\" is not part of the architecture"
        case let .tensorShapeMismatch(name, expected, found):
            "tensor \"\(name)\": expected shape \(expected), found \(found)"
        case let .unknownConfigKey(file, key, line, validKeys, suggestion):
            "\(file)\(line.map { ":\($0)" } ?? ""): unknown key '\(key)'"
                + (suggestion.map { Self.didYouMean([$0]) } ?? ".")
                + " Valid keys: \(validKeys.joined(separator: ", "))"
        case let .missingConfigKey(file, keyPath):
            "\(file): missing required key '\(keyPath)'"
        case let .configTypeMismatch(file, keyPath, line, expected, found):
            "\(file)\(line.map { ":\($0)" } ?? ""): key '\(keyPath)' expected \(expected),"
                + " found \(found)"
        case let .invalidConfigValue(file, keyPath, line, expected, found):
            "\(file)\(line.map { ":\($0)" } ?? ""): key '\(keyPath)' has an invalid value \(found);"
                + " expected \(expected)"
        case let .malformedConfig(file, reason):
            "\(file): malformed configuration: \(reason)"
        }
    }

    /// `; did you mean 'a' or 'b'?`
    private static func didYouMean(_ names: [String]) -> String {
        "; did you mean " + names.map { "'\($0)'" }.joined(separator: " or ") + "?"
    }
}
