import Tensors

/// The element types a safetensors header may name, as spelled in the file.
///
/// Every one of them can be read and written as raw bytes; only ``float32``, ``bfloat16`` and
/// ``float16`` convert to Float32 tensors (see ``floatStorage``). The list follows the Rust
/// `safetensors` crate's `Dtype` enum.
public enum SafetensorsDType: String, Sendable, CaseIterable, Codable {
    case bool = "BOOL"
    case uint8 = "U8"
    case int8 = "I8"
    case float8E5M2 = "F8_E5M2"
    case float8E4M3 = "F8_E4M3"
    case int16 = "I16"
    case uint16 = "U16"
    case float16 = "F16"
    case bfloat16 = "BF16"
    case int32 = "I32"
    case uint32 = "U32"
    case float32 = "F32"
    case float64 = "F64"
    case int64 = "I64"
    case uint64 = "U64"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .bool, .uint8, .int8, .float8E5M2, .float8E4M3: 1
        case .int16, .uint16, .float16, .bfloat16: 2
        case .int32, .uint32, .float32: 4
        case .float64, .int64, .uint64: 8
        }
    }

    /// The compute-side storage type with a Float32 conversion, or `nil` for raw-only types.
    public var floatStorage: DType? { DType(rawValue: rawValue) }

    /// The safetensors spelling of a Float32-convertible storage type.
    public init(_ storage: DType) {
        switch storage {
        case .float32: self = .float32
        case .bfloat16: self = .bfloat16
        case .float16: self = .float16
        }
    }
}
