/// EasyEdit's `device` key: a CUDA device index (`0`) in most hparams files, or a device name
/// (`cpu`, `cuda`, `cuda:1`, `mps`, `auto`) in others. Read for compatibility: computation runs on
/// the CPU whatever it says.
public enum DeviceSetting: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A device index, as EasyEdit writes `device: 0`.
    case index(Int)
    /// A device name, as EasyEdit writes `device: cpu`.
    case name(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let index = try? container.decode(Int.self) {
            self = .index(index)
        } else if let name = try? container.decode(String.self), !name.isEmpty {
            self = .name(name)
        } else {
            throw DecodingError.typeMismatch(
                DeviceSetting.self,
                .init(codingPath: decoder.codingPath, debugDescription: "expects a device index or a device name such as cpu"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .index(let index): try container.encode(index)
        case .name(let name): try container.encode(name)
        }
    }

    public var description: String {
        switch self {
        case .index(let index): "\(index)"
        case .name(let name): name
        }
    }
}

extension DeviceSetting: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .index(value) }
}
